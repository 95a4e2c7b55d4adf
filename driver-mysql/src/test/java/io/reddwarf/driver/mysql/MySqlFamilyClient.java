package io.reddwarf.driver.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.tck.EngineClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The TCK's view of a MySQL-family instance through the engine's command-line client: a table
 * {@code tck_kv} in the session's database whose values are utf8mb4 text (stored like a BLOB),
 * logins over TCP, the superuser over the socket. The fingerprint is the row count and
 * {@code CHECKSUM TABLE}.
 */
final class MySqlFamilyClient implements EngineClient {
    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS tck_kv (k VARCHAR(64) PRIMARY KEY,"
            + " v MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin);";
    private static final int BATCH_BYTES = 256 * 1024;

    private final Path client;

    MySqlFamilyClient(Path client) {
        this.client = client;
    }

    @Override
    public void put(Session session, String key, String value) {
        run(session, CREATE_TABLE + " REPLACE INTO tck_kv VALUES (" + literal(key) + ", " + literal(value) + ")");
    }

    @Override
    public void putAll(Session session, Map<String, String> entries) {
        StringBuilder sql = new StringBuilder(CREATE_TABLE).append('\n');
        StringBuilder batch = new StringBuilder();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            batch.append(batch.isEmpty() ? "REPLACE INTO tck_kv VALUES " : ", ")
                    .append('(').append(literal(entry.getKey())).append(", ").append(literal(entry.getValue())).append(')');
            if (batch.length() > BATCH_BYTES) {
                sql.append(batch).append(";\n");
                batch.setLength(0);
            }
        }
        if (!batch.isEmpty()) {
            sql.append(batch).append(";\n");
        }
        Result result = exec(session, Optional.empty(), sql.toString());
        if (result.exitCode() != 0) {
            throw new IllegalStateException(client.getFileName() + " failed: " + result.output().strip());
        }
    }

    @Override
    public String fingerprint(Session session) {
        return run(session, "SELECT COUNT(*) FROM tck_kv; CHECKSUM TABLE tck_kv").strip().replaceAll("\\s+", " ");
    }

    @Override
    public Optional<String> get(Session session, String key) {
        String out = run(session, "SELECT v FROM tck_kv WHERE k = " + literal(key)).strip();
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    @Override
    public boolean canLogIn(Session session) {
        return exec(session, "SELECT 1").exitCode() == 0;
    }

    private String run(Session session, String sql) {
        Result result = exec(session, sql);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(client.getFileName() + " failed: " + result.output().strip());
        }
        return result.output();
    }

    private Result exec(Session session, String sql) {
        return exec(session, Optional.of(sql), "");
    }

    /** Runs {@code statement} given with {@code -e}, or else {@code stdin}. */
    private Result exec(Session session, Optional<String> statement, String stdin) {
        List<String> argv = new ArrayList<>(List.of(client.toString(), "--no-defaults", "--connect-timeout=5",
                "--default-character-set=utf8mb4", "--batch", "--skip-column-names"));
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (session.login().isPresent()) {
            argv.addAll(List.of("--protocol=TCP", "--host=" + session.endpoint().host(),
                    "--port=" + session.endpoint().port(), "--user=" + session.login().get().user()));
            builder.environment().put("MYSQL_PWD", session.login().get().password().value());
        } else {
            argv.addAll(List.of("--socket=" + session.context().runDir().resolve("mysqld.sock"), "--user=root"));
        }
        session.database().ifPresent(argv::add);
        statement.ifPresent(sql -> argv.addAll(List.of("-e", sql)));
        builder.command(argv).redirectErrorStream(true);
        try {
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(UTF_8));
            } catch (IOException stoppedReading) {
                // The client exited at an error; its output says which.
            }
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(client.getFileName() + " timed out");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private record Result(int exitCode, String output) {}
}
