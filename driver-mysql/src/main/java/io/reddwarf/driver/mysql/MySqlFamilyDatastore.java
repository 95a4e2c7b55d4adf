package io.reddwarf.driver.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the MySQL-family datastores share; the {@link Engine} holds their differences. Binaries
 * are found in the directory named by the engine's system property if set, otherwise on
 * {@code PATH}, in {@code /usr/sbin} and {@code /usr/bin}.
 */
abstract class MySqlFamilyDatastore implements Datastore {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlFamilyDatastore.class);
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DATABASES, Capability.USERS, Capability.ROOT);

    private final Engine engine;
    private final Binaries binaries;
    private final Object versionsLock = new Object();
    private List<DatastoreVersion> versions;
    private Optional<CharacterSets> characterSets;

    MySqlFamilyDatastore(Engine engine, Binaries binaries) {
        this.engine = requireNonNull(engine, "engine is null");
        this.binaries = requireNonNull(binaries, "binaries is null");
    }

    @Override
    public String type() {
        return engine.type();
    }

    /** The installed server's version, detected once with {@code <server> --version}. */
    @Override
    public List<DatastoreVersion> versions() {
        synchronized (versionsLock) {
            if (versions == null) {
                versions = detectVersions();
            }
            return versions;
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Applies the rules of {@link MySqlIdentifiers}, the engine's user name limit and, where the
     * driver ships the installed version's list, its character sets and collations.
     */
    @Override
    public void validate(PrepareRequest request) {
        MySqlIdentifiers.validate(requireNonNull(request, "request is null"));
        request.users().forEach(user -> MySqlIdentifiers.validateUserNameLength(user.name(), engine.maxUserNameLength()));
        if (request.databases().stream().anyMatch(d -> d.characterSet().isPresent() || d.collation().isPresent())) {
            shippedCharacterSets().ifPresent(known -> known.check(request.databases()));
        }
    }

    /** The character sets of the installed version as shipped with the driver, read once. */
    private Optional<CharacterSets> shippedCharacterSets() {
        List<DatastoreVersion> installed = versions();
        synchronized (versionsLock) {
            if (characterSets == null) {
                characterSets = installed.stream().findFirst()
                        .flatMap(version -> CharacterSets.shipped(engine.type(), version.name()));
            }
            return characterSets;
        }
    }

    @Override
    public DatastoreInstance open(InstanceContext context) {
        requireNonNull(context, "context is null");
        boolean known = versions().stream().anyMatch(v -> v.name().equals(context.version().name()));
        if (!known) {
            throw new IllegalArgumentException("version " + context.version().name()
                    + " of datastore " + type() + " is not installed on this host");
        }
        return new MySqlFamilyInstance(engine, binaries, context);
    }

    private List<DatastoreVersion> detectVersions() {
        Optional<Path> server = binaries.find(engine.serverBinary());
        if (server.isEmpty()) {
            LOG.info("No '{}' binary found; the '{}' datastore has no versions on this host.", engine.serverBinary(), type());
            return List.of();
        }
        try {
            Process process = new ProcessBuilder(server.get().toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), UTF_8);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Optional<DatastoreVersion> version = engine.parseVersion(output);
            if (version.isEmpty()) {
                LOG.warn("Could not recognise the version reported by {}: {}", server.get(), output.strip());
                return List.of();
            }
            LOG.info("Found {} {} at {}", type(), version.get().engineVersion(), server.get());
            return List.of(version.get());
        } catch (IOException e) {
            LOG.warn("Could not run {} --version: {}", server.get(), e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
