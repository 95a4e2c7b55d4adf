package io.reddwarf.core.persistence;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MariaDB server for tests that use MariaDB as the state store: initialised in a
 * scratch directory, listening on a free loopback port, without grant checks, killed on close.
 */
final class ScratchMariaDb implements AutoCloseable {
    private final Process process;
    private final int port;

    private ScratchMariaDb(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ScratchMariaDb start(Path dir) throws IOException, InterruptedException {
        String mariadbd = findBinary("mariadbd");
        String installDb = findBinary("mariadb-install-db");
        Path data = dir.resolve("data");
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(data);
        Files.createDirectories(tmp);
        Process install = new ProcessBuilder(installDb, "--no-defaults", "--user=root", "--datadir=" + data,
                "--auth-root-authentication-method=socket", "--skip-test-db", "--tmpdir=" + tmp)
                .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(List.of(mariadbd, "--no-defaults", "--user=root", "--datadir=" + data,
                "--socket=" + dir.resolve("mysqld.sock"), "--port=" + port, "--bind-address=127.0.0.1",
                "--skip-grant-tables", "--tmpdir=" + tmp, "--log-error=" + dir.resolve("error.log")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        ScratchMariaDb db = new ScratchMariaDb(server, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(db.url("mysql"), "root", "")) {
                c.createStatement().execute("CREATE DATABASE IF NOT EXISTS reddwarf");
                return db;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    db.close();
                    throw new IllegalStateException("MariaDB did not start: " + e.getMessage());
                }
                Thread.sleep(50);
            }
        }
    }

    static String findBinary(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new IllegalStateException(name + " not found: install the Debian package mariadb-server");
    }

    String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
