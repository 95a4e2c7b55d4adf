package io.reddwarf.backup;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.InstanceContext;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the MySQL-family logical strategies share. A backup is one SQL script: the dump tool's
 * output, the customer's accounts ({@code CREATE USER IF NOT EXISTS} and {@code GRANT} statements
 * as {@code SHOW CREATE USER} and {@code SHOW GRANTS} print them), and a last line {@value #END};
 * a restore replays it through the client and fails if that line is missing, so a stream cut off
 * between two statements is not taken for a whole backup.
 *
 * <p>Accounts are every account but {@code root}, the control plane's {@code reddwarf_admin},
 * anonymous ones and the engines' internal {@code mysql.*} and {@code mariadb.*} accounts. The
 * tools connect through the instance's administrative option file {@code conf/client.cnf}; they are
 * taken from the directory that file names as {@code bin-dir} in its {@code [reddwarf]} group, if
 * any, otherwise from {@code PATH}.
 */
final class LogicalDump {
    static final String END = "-- reddwarf: end of backup";
    private static final String END_PROPERTY = "end-line";
    static final String CUSTOMER_ACCOUNTS = "User <> '' AND User NOT IN ('root', 'reddwarf_admin')"
            + " AND User NOT LIKE 'mysql.%' AND User NOT LIKE 'mariadb.%'";

    private LogicalDump() {}

    /** The option file the tools connect with. */
    static Path clientConfig(InstanceContext context) {
        return context.confDir().resolve("client.cnf");
    }

    /** A program of the engine's client tools, from the option file's {@code bin-dir} or {@code PATH}. */
    static String tool(InstanceContext context, String name) {
        return binDir(clientConfig(context)).map(dir -> dir.resolve(name))
                .filter(Files::isExecutable).map(Path::toString).orElse(name);
    }

    /** Writes the script's accounts part: {@code accountsQuery} lists {@code 'user'@'host'} accounts. */
    static void writeAccounts(InstanceContext context, String client, List<String> sessionSetup, String accountsQuery,
            OutputStream sink) throws IOException {
        sink.write(("\n-- reddwarf: accounts\n").getBytes(UTF_8));
        List<String> accounts = query(context, client, accountsQuery, "list the accounts of");
        if (accounts.isEmpty()) {
            return;
        }
        StringBuilder show = new StringBuilder();
        sessionSetup.forEach(statement -> show.append(statement).append("; "));
        for (String account : accounts) {
            show.append("SHOW CREATE USER ").append(account).append("; SHOW GRANTS FOR ").append(account).append("; ");
        }
        StringBuilder script = new StringBuilder();
        for (String line : query(context, client, show.toString(), "read the accounts of")) {
            if (line.startsWith("CREATE USER ")) {
                script.append("CREATE USER IF NOT EXISTS ").append(line.substring("CREATE USER ".length())).append(";\n");
            } else if (line.startsWith("GRANT ")) {
                script.append(line).append(";\n");
            }
        }
        sink.write(script.toString().getBytes(UTF_8));
    }

    /** Runs {@code dump} and writes its output. */
    static void writeDump(InstanceContext context, List<String> dump, OutputStream sink) {
        ToolProcess.readFrom(dump, context.homeDir(), context.logDir().resolve("backup.err"), sink,
                "back up instance " + context.instanceId());
    }

    static void writeEnd(OutputStream sink) throws IOException {
        sink.write(("\n" + END + "\n").getBytes(UTF_8));
    }

    /** The metadata of a script: its end line is checked when restored. */
    static BackupMetadata metadata(String strategy) {
        return new BackupMetadata(strategy, Map.of("format", "sql", END_PROPERTY, "true"));
    }

    /**
     * Replays a script through the client; the end line is required when the metadata says the
     * script has one (backups made before it was written do not).
     */
    static void restore(InstanceContext context, String client, BackupMetadata metadata, InputStream source) {
        List<String> argv = List.of(client, "--defaults-file=" + clientConfig(context),
                "--binary-mode", "--default-character-set=utf8mb4");
        boolean ended = "true".equals(metadata.properties().get(END_PROPERTY));
        ToolProcess.writeTo(argv, context.homeDir(), context.logDir().resolve("restore.err"),
                ended ? new EndChecked(source) : source, "restore instance " + context.instanceId());
    }

    /** One column of every row {@code sql} returns; {@code what} ends in "of", e.g. "list the accounts of". */
    static List<String> query(InstanceContext context, String client, String sql, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ToolProcess.readFrom(List.of(client, "--defaults-file=" + clientConfig(context), "--batch", "--skip-column-names",
                "--raw", "--default-character-set=utf8mb4", "-e", sql), context.homeDir(), context.logDir().resolve("backup.err"),
                out, what + " instance " + context.instanceId());
        return out.toString(UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }

    private static Optional<Path> binDir(Path optionFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(optionFile, UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String group = "";
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                group = trimmed.substring(1, trimmed.length() - 1).strip();
            } else if ("reddwarf".equals(group) && trimmed.startsWith("bin-dir=")) {
                return Optional.of(Path.of(trimmed.substring("bin-dir=".length()).strip()));
            }
        }
        return Optional.empty();
    }

    /** Passes a script through and, at its end, fails unless its last line was {@link #END}. */
    private static final class EndChecked extends FilterInputStream {
        private static final byte[] EXPECTED = ("\n" + END + "\n").getBytes(UTF_8);
        private final byte[] tail = new byte[EXPECTED.length];
        private long seen;

        EndChecked(InputStream source) {
            super(source);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                int kept = (int) Math.min(seen, tail.length);
                if (kept < tail.length || !Arrays.equals(tail, EXPECTED)) {
                    throw new DatastoreException("The backup ends early: its last line is not '" + END + "'.");
                }
                return n;
            }
            if (n >= tail.length) {
                System.arraycopy(buffer, offset + n - tail.length, tail, 0, tail.length);
            } else {
                System.arraycopy(tail, n, tail, 0, tail.length - n);
                System.arraycopy(buffer, offset, tail, tail.length - n, n);
            }
            seen += n;
            return n;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = read(buffer, 0, buffer.length)) >= 0; ) {
                out.write(buffer, 0, n);
                total += n;
            }
            return total;
        }
    }
}
