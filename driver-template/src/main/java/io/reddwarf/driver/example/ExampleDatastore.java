package io.reddwarf.driver.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code "example"} datastore: a deliberately small driver that runs the host's MariaDB
 * ({@code mariadbd}, {@code mariadb-install-db}, {@code mariadb}) and supports databases but not
 * users or root. It exists to be copied; every {@code TODO(driver)} marks a place a new driver
 * changes.
 *
 * <p>The control plane finds it through {@code META-INF/services/io.reddwarf.spi.Datastore}, makes
 * one instance with the public no-argument constructor, and calls it from many threads: keep it
 * stateless, or guard what it caches.
 */
public final class ExampleDatastore implements Datastore {
    // TODO(driver): the type users name in the API; lowercase, unique among the installed drivers.
    static final String TYPE = "example";
    // TODO(driver): exactly what your instances implement. DatastoreTck checks this set against
    // what the test class claims and exercises every operation of it for real.
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.DATABASES);
    private static final Pattern VERSION = Pattern.compile("\\bVer\\s+(\\d+)\\.(\\d+)\\.(\\d+)-MariaDB");
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Set<String> SYSTEM_DATABASES = Set.of("information_schema", "mysql", "performance_schema", "sys");

    private final List<Path> binDirs;

    /**
     * The datastore over MariaDB in the directory named by the system property
     * {@code reddwarf.example.bin-dir} if set, otherwise in {@code /usr/sbin} and {@code /usr/bin}.
     */
    public ExampleDatastore() {
        // TODO(driver): where your engine's programs are; let deployers point elsewhere.
        this(Optional.ofNullable(System.getProperty("reddwarf.example.bin-dir"))
                .map(dir -> List.of(Path.of(dir)))
                .orElse(List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"))));
    }

    ExampleDatastore(List<Path> binDirs) {
        this.binDirs = List.copyOf(requireNonNull(binDirs, "binDirs is null"));
    }

    /** The program {@code name} from the binary directories. */
    Optional<Path> program(String name) {
        return binDirs.stream().map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Asks the installed server for its version. A driver whose engine is missing returns an empty
     * list: the control plane then does not offer the datastore, and the TCK aborts (or fails, see
     * {@code requireEngine()}) naming what is missing.
     */
    @Override
    public List<DatastoreVersion> versions() {
        // TODO(driver): how your engine reports its version, and how users name it ("10.11").
        Optional<Path> server = program("mariadbd");
        if (server.isEmpty()) {
            return List.of();
        }
        try {
            Process process = new ProcessBuilder(server.get().toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            Matcher matcher = VERSION.matcher(output);
            if (!matcher.find()) {
                return List.of();
            }
            String name = matcher.group(1) + "." + matcher.group(2);
            return List.of(new DatastoreVersion(name, name + "." + matcher.group(3)));
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * Rejects what the engine cannot hold before the control plane accepts a create request. The
     * messages reach users verbatim (as a 400), so they are complete sentences.
     */
    @Override
    public void validate(PrepareRequest request) {
        // TODO(driver): your engine's identifier rules.
        request.databases().forEach(ExampleDatastore::validateDatabase);
        if (!request.users().isEmpty()) {
            throw new InvalidRequestException("The '" + TYPE + "' datastore does not create users.");
        }
    }

    static void validateDatabase(DatabaseSpec database) {
        if (!DATABASE_NAME.matcher(database.name()).matches()) {
            throw new InvalidRequestException("Database name '" + database.name()
                    + "' is not valid: use 1 to 64 letters, digits or '_'.");
        }
        if (SYSTEM_DATABASES.contains(database.name().toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidRequestException("Database name '" + database.name() + "' is reserved.");
        }
        if (database.characterSet().isPresent() || database.collation().isPresent()) {
            throw new InvalidRequestException("The '" + TYPE + "' datastore uses the engine's character set and collation.");
        }
    }

    static Set<String> systemDatabases() {
        return SYSTEM_DATABASES;
    }

    /** Cheap: the handle only remembers where things are; every fact lives in the context's files. */
    @Override
    public DatastoreInstance open(InstanceContext context) {
        requireNonNull(context, "context is null");
        Optional<DatastoreVersion> installed = versions().stream()
                .filter(v -> v.name().equals(context.version().name()))
                .findFirst();
        if (installed.isEmpty()) {
            throw new IllegalArgumentException("version " + context.version().name() + " of datastore " + TYPE
                    + " is not installed on this host");
        }
        return new ExampleInstance(context, this);
    }
}
