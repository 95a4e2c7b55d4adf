package io.reddwarf.driver.example;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.tck.EngineClient;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the TCK reads and writes data behind the driver's back: the {@code mariadb} client as root on
 * the instance's unix socket (this driver creates no users), a table {@code tck_kv} in the session's
 * database.
 *
 * <p>TODO(driver): use your engine's own client; keep it independent of the driver's code, so that
 * a bug in the driver cannot hide itself.
 */
final class ExampleEngineClient implements EngineClient {

    @Override
    public void put(Session session, String key, String value) {
        mariadb(session, "CREATE TABLE IF NOT EXISTS tck_kv (k VARCHAR(64) PRIMARY KEY, v VARCHAR(255));\n"
                + "REPLACE INTO tck_kv VALUES ('" + key + "', '" + value + "');\n");
    }

    @Override
    public Optional<String> get(Session session, String key) {
        String value = mariadb(session, "SELECT v FROM tck_kv WHERE k = '" + key + "';\n").strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Logins are a USERS and ROOT matter, which this driver does not claim; the TCK never asks. */
    @Override
    public boolean canLogIn(Session session) {
        throw new UnsupportedOperationException("the example driver has no logins");
    }

    private static String mariadb(Session session, String statements) {
        // The TCK's keys and values are plain words, so they need no escaping here.
        List<String> argv = new java.util.ArrayList<>(List.of("mariadb", "--no-defaults", "--batch", "--skip-column-names",
                "--socket=" + session.context().runDir().resolve("mysqld.sock"), "--user=root"));
        session.database().ifPresent(argv::add);
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(statements.getBytes(UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("mariadb failed: " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("could not run mariadb: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
