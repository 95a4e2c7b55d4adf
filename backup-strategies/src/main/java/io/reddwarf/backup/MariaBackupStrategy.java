package io.reddwarf.backup;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.StreamPumper;

/**
 * Physical backups of MariaDB with {@code mariabackup --backup --stream=xbstream}, full or
 * incremental from the parent's {@code to_lsn} ({@code --incremental-lsn}), as recorded from the
 * {@code xtrabackup_checkpoints} of each backup. A restore extracts a full backup into the empty
 * data directory and prepares it there; each incremental backup of the chain is then extracted
 * beside it and applied with {@code --prepare --incremental-dir}, so the data directory is
 * startable after every step. The binaries are configuration: system properties
 * {@code reddwarf.backup.mariabackup} and {@code reddwarf.backup.mbstream} (default
 * {@code mariabackup}, {@code mbstream}; {@code xtrabackup}/{@code xbstream} take the same options).
 */
public final class MariaBackupStrategy implements BackupStrategy {
    public static final String NAME = "mariabackup";
    private static final String CLIENT_BINARY = "mariadb";
    private static final int PUMP_BUFFER = 1 << 20;

    private final String backupBinary;
    private final String streamBinary;

    public MariaBackupStrategy() {
        this(System.getProperty("reddwarf.backup.mariabackup", "mariabackup"),
                System.getProperty("reddwarf.backup.mbstream", "mbstream"));
    }

    MariaBackupStrategy(String backupBinary, String streamBinary) {
        this.backupBinary = backupBinary;
        this.streamBinary = streamBinary;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Kind kind() {
        return Kind.PHYSICAL;
    }

    @Override
    public boolean supports(String datastoreType, DatastoreVersion version) {
        return "mariadb".equals(datastoreType);
    }

    @Override
    public boolean incremental() {
        return true;
    }

    @Override
    public BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
        Path work = context.runDir().resolve("backup-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(work.resolve("target"));
            List<String> argv = new ArrayList<>(List.of(backupBinary,
                    "--defaults-file=" + context.confDir().resolve("client.cnf"),
                    "--backup", "--stream=xbstream",
                    "--datadir=" + context.dataDir(),
                    "--target-dir=" + work.resolve("target"),
                    "--extra-lsndir=" + work.resolve("lsn")));
            if (parent.isPresent()) {
                String lsn = parent.get().properties().get("to_lsn");
                if (lsn == null || !lsn.matches("[0-9]+")) {
                    throw new DatastoreException("The parent backup has no log sequence number to continue from.");
                }
                argv.add("--incremental-lsn=" + lsn);
            }
            run(argv, null, sink, context.logDir().resolve("backup.err"), "back up instance " + context.instanceId());
            Map<String, String> properties = new HashMap<>(checkpoints(work.resolve("lsn").resolve("xtrabackup_checkpoints")));
            properties.put("tool", backupBinary);
            return new BackupMetadata(NAME, properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    @Override
    public void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
        boolean incremental = "incremental".equals(metadata.properties().get("backup_type"));
        Path target = incremental ? context.homeDir().resolve("restore-incremental") : context.dataDir();
        try {
            if (incremental) {
                deleteTree(target);
                Files.createDirectories(target);
            }
            Path err = context.logDir().resolve("restore.err");
            run(List.of(streamBinary, "-x", "-C", target.toString()), source, OutputStream.nullOutputStream(), err,
                    "extract a backup into instance " + context.instanceId());
            List<String> prepare = new ArrayList<>(List.of(backupBinary, "--prepare", "--target-dir=" + context.dataDir()));
            if (incremental) {
                prepare.add("--incremental-dir=" + target);
            }
            run(prepare, null, OutputStream.nullOutputStream(), err, "prepare a backup of instance " + context.instanceId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (incremental) {
                deleteTree(target);
            }
        }
    }

    /** The data files carry the source's accounts: give the administrative account this instance's password again. */
    @Override
    public void afterRestore(InstanceContext context) {
        Map<String, String> client = clientOptions(context.confDir().resolve("client.cnf"));
        String user = client.get("user");
        String password = client.get("password");
        if (user == null || password == null) {
            throw new DatastoreException("Instance " + context.instanceId() + " has no administrative account configured.");
        }
        StringBuilder sql = new StringBuilder();
        for (String host : List.of("localhost", "127.0.0.1")) {
            sql.append("ALTER USER IF EXISTS '").append(quote(user)).append("'@'").append(host)
                    .append("' IDENTIFIED BY '").append(quote(password)).append("';\n");
        }
        run(List.of(CLIENT_BINARY, "--no-defaults", "--socket=" + context.runDir().resolve("mysqld.sock"), "--user=root",
                "--batch"), new ByteArrayInputStream(sql.toString().getBytes(UTF_8)), OutputStream.nullOutputStream(),
                context.logDir().resolve("restore.err"), "reset the administrative account of instance "
                        + context.instanceId());
    }

    private static void run(List<String> argv, InputStream stdin, OutputStream stdout, Path stderrFile, String what) {
        CommandLine command = new CommandLine(argv.get(0));
        for (String arg : argv.subList(1, argv.size())) {
            command.addArgument(arg, false);
        }
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setWatchdog(watchdog);
        // The pump thread swallows errors of the sink; remember the first and stop the tool, which would block.
        AtomicReference<Exception> sinkFailure = new AtomicReference<>();
        OutputStream guarded = new FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException | RuntimeException e) {
                    sinkFailure.compareAndSet(null, e);
                    watchdog.destroyProcess();
                    throw e;
                }
            }
        };
        try (OutputStream stderr = Files.newOutputStream(stderrFile)) {
            executor.setStreamHandler(new PumpStreamHandler(guarded, stderr, stdin) {
                // The default pump moves 1 KiB per read; backups stream hundreds of megabytes.
                @Override
                protected Thread createPump(InputStream is, OutputStream os, boolean closeWhenExhausted) {
                    Thread pump = new Thread(new StreamPumper(is, os, closeWhenExhausted, PUMP_BUFFER), "backup-pump");
                    pump.setDaemon(true);
                    return pump;
                }
            });
            executor.execute(command);
        } catch (ExecuteException e) {
            if (sinkFailure.get() != null) {
                throw new DatastoreException("Could not " + what + ": " + sinkFailure.get().getMessage(), sinkFailure.get());
            }
            throw new DatastoreException(argv.get(0) + " failed to " + what + " (exit code " + e.getExitValue() + "): "
                    + ToolProcess.tail(stderrFile), e);
        } catch (IOException e) {
            throw new DatastoreException("Could not " + what + ": " + e.getMessage(), e);
        }
        if (sinkFailure.get() != null) {
            throw new DatastoreException("Could not " + what + ": " + sinkFailure.get().getMessage(), sinkFailure.get());
        }
    }

    static Map<String, String> checkpoints(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file, UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    private static Map<String, String> clientOptions(Path file) {
        try {
            return checkpoints(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }

    private static void deleteTree(Path root) {
        io.reddwarf.spi.FileTrees.delete(root);
    }
}
