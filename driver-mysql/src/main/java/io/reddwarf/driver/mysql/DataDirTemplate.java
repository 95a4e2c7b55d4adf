package io.reddwarf.driver.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor.Command;
import io.reddwarf.spi.ProcessSupervisor.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secured, freshly initialised data directory kept once per version in the context's template
 * directory; instances copy it instead of running the engine's initialisation each time.
 */
final class DataDirTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirTemplate.class);
    private static final Duration INITIALIZE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * One lock per template: concurrent first builds of one version wait for a single initialisation
     * (two {@code mariadb-install-db} runs side by side fail) and then share its result.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Engine engine;
    private final Binaries binaries;
    private final InstanceContext context;

    DataDirTemplate(Engine engine, Binaries binaries, InstanceContext context) {
        this.engine = engine;
        this.binaries = binaries;
        this.context = context;
    }

    /** The template's directory, created first if absent. */
    Path ensure() {
        Path target = context.templateDir().resolve(engine.type() + "-datadir");
        if (Files.isDirectory(target)) {
            return target;
        }
        ReentrantLock lock = LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), k -> new ReentrantLock());
        lock.lock();
        try {
            if (Files.isDirectory(target)) {
                return target;
            }
            return create(target);
        } finally {
            lock.unlock();
        }
    }

    private Path create(Path target) {
        String unique = UUID.randomUUID().toString();
        Path tmp = context.templateDir().resolve("." + engine.type() + "-datadir-" + unique + ".tmp");
        Path secureSql = context.templateDir().resolve("." + engine.type() + "-secure-" + unique + ".sql");
        // a private temporary directory: bootstraps running at once must not share /tmp's temporary tables
        Path scratch = context.templateDir().resolve("." + engine.type() + "-scratch-" + unique);
        long started = System.nanoTime();
        try {
            Files.createDirectories(context.templateDir());
            Files.writeString(secureSql, engine.secureSql(), UTF_8);
            Files.createDirectories(scratch);
            List<String> settings = new java.util.ArrayList<>(MySqlFamilyInstance.TEMPLATE_SETTINGS);
            settings.add("--tmpdir=" + scratch);
            List<String> argv = engine.initializeCommand(binaries, tmp, secureSql, settings);
            ExecResult result = context.processes().exec(
                    new Command(argv, java.util.Optional.empty(), INITIALIZE_TIMEOUT, List.of()));
            if (!result.ok()) {
                throw new DatastoreException("Could not initialise a " + engine.type() + " data directory (exit code "
                        + result.exitCode() + "): " + lastLines(result.stderr() + "\n" + result.stdout()));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Created the {} {} data directory template in {} ms", engine.type(),
                        context.version().engineVersion(), (System.nanoTime() - started) / 1_000_000);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                LOG.debug("Another preparer created {} first", target);
            }
            return target;
        } catch (IOException e) {
            throw new DatastoreException("Could not create the " + engine.type() + " data directory template in "
                    + context.templateDir() + ".", e);
        } finally {
            MySqlFamilyInstance.deleteTree(tmp);
            MySqlFamilyInstance.deleteTree(scratch);
            try {
                Files.deleteIfExists(secureSql);
            } catch (IOException ignored) {
                // A leftover script holds no secret.
            }
        }
    }

    private static String lastLines(String output) {
        List<String> errors = output.lines().filter(l -> l.contains("ERROR")).toList();
        if (!errors.isEmpty()) {
            return String.join("\n", errors.subList(Math.max(0, errors.size() - 5), errors.size()));
        }
        List<String> lines = output.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }
}
