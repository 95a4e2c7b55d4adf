package io.reddwarf.driver.percona;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.tck.EngineClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The TCK's access to a Percona (or MySQL) instance: the {@code mysql} client over TCP, SQL on stdin. */
final class MySqlCommandLine implements EngineClient {
    private final Path mysql;

    MySqlCommandLine(Path mysql) {
        this.mysql = mysql;
    }

    @Override
    public void put(Session session, String key, String value) {
        String sql = "CREATE TABLE IF NOT EXISTS tck_kv (k VARCHAR(64) PRIMARY KEY, v VARCHAR(255));\n"
                + "REPLACE INTO tck_kv VALUES ('" + key + "', '" + value + "');\n";
        if (run(session, sql).exit() != 0) {
            throw new IllegalStateException("mysql could not write " + key);
        }
    }

    @Override
    public Optional<String> get(Session session, String key) {
        Outcome outcome = run(session, "SELECT v FROM tck_kv WHERE k = '" + key + "';\n");
        if (outcome.exit() != 0) {
            throw new IllegalStateException("mysql could not read " + key + ": " + outcome.text());
        }
        return outcome.text().isBlank() ? Optional.empty() : Optional.of(outcome.text().strip());
    }

    @Override
    public boolean canLogIn(Session session) {
        return run(session, "SELECT 1;\n").exit() == 0;
    }

    /** The TCK's keys and values are plain words; the TCK always logs in as a network user here. */
    private Outcome run(Session session, String sql) {
        EngineClient.Login login = session.login().orElseThrow(() -> new IllegalStateException("no login"));
        List<String> argv = new ArrayList<>(List.of(mysql.toString(), "--no-defaults", "--protocol=TCP",
                "--host=" + session.endpoint().host(), "--port=" + session.endpoint().port(),
                "--user=" + login.user(), "--batch", "--skip-column-names"));
        session.database().ifPresent(argv::add);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("MYSQL_PWD", login.password().value());
        try {
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(sql.getBytes(UTF_8));
            }
            String text = new String(process.getInputStream().readAllBytes(), UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS) ? new Outcome(process.exitValue(), text) : new Outcome(-1, text);
        } catch (IOException e) {
            return new Outcome(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }

    private record Outcome(int exit, String text) {}
}
