package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Real MariaDB instances for tests: homes under a short directory in the system's temporary
 * directory (engine sockets live below a home and their paths may not exceed 107 bytes, wherever
 * the checkout is), ports in 35000-35499.
 */
final class MariaDbFixture {
    static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"),
            "rdw-driver-" + Long.toHexString(ProcessHandle.current().pid())).toAbsolutePath();
    static final Path TEMPLATES = ROOT.resolve("templates");
    static final Flavor FLAVOR = new Flavor("1", "tiny", 512, 1, 1);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            killAll(ROOT);
            try (var files = java.nio.file.Files.walk(ROOT)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // nothing left to clean
            }
        }));
    }

    private MariaDbFixture() {}

    /** The installed server's version; fails the test with a clear message when MariaDB is not installed. */
    static DatastoreVersion requireServer(MariaDbDatastore datastore) {
        List<DatastoreVersion> versions = datastore.versions();
        if (versions.isEmpty()) {
            fail("mariadbd not found: install Debian package mariadb-server");
        }
        return versions.get(0);
    }

    static LocalInstanceContext newContext(DatastoreVersion version) {
        String id = UUID.randomUUID().toString();
        Path home = ROOT.resolve(id.substring(0, 8));
        return LocalInstanceContext.create(id, version, FLAVOR, home, TEMPLATES.resolve(version.name()), "127.0.0.1", freePort());
    }

    static int freePort() {
        int offset = ThreadLocalRandom.current().nextInt(500);
        for (int i = 0; i < 500; i++) {
            int port = 35000 + (offset + i) % 500;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port in 35000-35499");
    }

    /** Kills whatever still runs from {@code home}; for test clean-up only. */
    static void killAll(Path home) {
        for (long pid : LocalProcessSupervisor.findProcessesReferencing(home)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Runs the {@code mariadb} client with {@code args} and returns its exit code and output. */
    static Result client(String... args) {
        List<String> argv = new ArrayList<>(List.of("mariadb", "--no-defaults", "--connect-timeout=5"));
        argv.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("mariadb client timed out");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String output) {}
}
