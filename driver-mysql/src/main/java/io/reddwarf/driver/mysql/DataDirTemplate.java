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
 *
 * <p>Beside the template lies one <em>spare</em>: a copy made ahead of time, after a preparation
 * ended, so that the next preparation moves its files into place (renames) instead of copying
 * them while a client waits. A preparation that finds no spare (the first one, one of a burst, a
 * data directory on another file system) copies the template as before. The spare is named after
 * the template's modification time, so a template made again never hands out an old spare.
 */
final class DataDirTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirTemplate.class);
    private static final Duration INITIALIZE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * One lock per template: concurrent first builds of one version wait for a single initialisation
     * (two {@code mariadb-install-db} runs side by side fail) and then share its result.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Spare copies under way in this process, by spare path: one copy at a time per template. */
    private static final java.util.Set<Path> REFILLING = ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.ScheduledExecutorService SPARES = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "datadir-spares");
        t.setDaemon(true);
        return t;
    });
    /**
     * How long after a preparation its spare copy starts: the instance just prepared and its
     * control plane finish their first steps without a copy competing for the disk and a core.
     */
    private static final Duration REFILL_DELAY = Duration.ofMillis(300);
    /** Leftovers of interrupted spare copies and moves are removed once they are this old. */
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);

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

    /**
     * Moves the entries of the template's spare copy into {@code dataDir} (empty); false when there
     * is no spare for the current template or it cannot be moved there (then {@code dataDir} is left
     * empty and the caller copies the template).
     */
    boolean takeSpare(Path template, Path dataDir) {
        Path spare;
        try {
            spare = spare(template);
        } catch (IOException e) {
            return false;
        }
        Path claimed = context.templateDir().resolve("." + engine.type() + "-spare-claimed-" + UUID.randomUUID());
        try {
            // one preparation wins the spare: the rename is atomic
            Files.move(spare, claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return false;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(claimed)) {
            for (Path entry : entries) {
                Files.move(entry, dataDir.resolve(entry.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            return true;
        } catch (IOException e) {
            LOG.info("Cannot move the spare {} data directory into {} ({}); copying the template instead",
                    engine.type(), dataDir, e.getMessage());
            MySqlFamilyInstance.deleteContents(dataDir);
            return false;
        } finally {
            MySqlFamilyInstance.deleteTree(claimed);
        }
    }

    /**
     * Makes the template's spare copy in the background unless it exists or is being made; removes
     * what interrupted copies and moves left behind.
     */
    void refillSpare(Path template) {
        Path spare;
        try {
            spare = spare(template);
        } catch (IOException e) {
            return;
        }
        if (Files.isDirectory(spare) || !REFILLING.add(spare)) {
            return;
        }
        try {
            SPARES.schedule(() -> {
                try {
                    removeLeftovers();
                    copySpare(template, spare);
                } finally {
                    REFILLING.remove(spare);
                }
            }, REFILL_DELAY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            REFILLING.remove(spare);
        }
    }

    private void copySpare(Path template, Path spare) {
        Path tmp = context.templateDir().resolve("." + engine.type() + "-spare-" + UUID.randomUUID() + ".tmp");
        try {
            // private like the template: it holds the engine's system tables
            Files.createDirectory(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            MySqlFamilyInstance.copyTree(template, tmp);
            Files.move(tmp, spare, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.debug("No spare {} data directory this time: {}", engine.type(), e.getMessage());
        } finally {
            MySqlFamilyInstance.deleteTree(tmp);
        }
    }

    private void removeLeftovers() {
        String prefix = "." + engine.type() + "-spare-";
        java.time.Instant before = java.time.Instant.now().minus(LEFTOVER_AGE);
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(context.templateDir(), prefix + "*")) {
            for (Path entry : entries) {
                if (Files.getLastModifiedTime(entry).toInstant().isBefore(before)) {
                    MySqlFamilyInstance.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot look for leftovers in {}: {}", context.templateDir(), e.getMessage());
        }
    }

    /** Where the spare copy of the template as it is now lies. */
    private Path spare(Path template) throws IOException {
        long made = Files.getLastModifiedTime(template).toMillis();
        return context.templateDir().resolve(engine.type() + "-spare-" + made);
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
