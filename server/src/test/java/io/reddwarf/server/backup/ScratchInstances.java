package io.reddwarf.server.backup;

import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.PrepareRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real MariaDB instances for the backup strategy tests, prepared by the driver found on the class
 * path, below a short scratch directory in the system's temporary directory. Registered as a JUnit
 * extension: after the test class it destroys them and removes the directory.
 */
final class ScratchInstances implements BeforeAllCallback, AfterAllCallback {
    private static final Flavor FLAVOR = new Flavor("1", "tiny", 512, 1, 1);

    private final Path root = Path.of(System.getProperty("java.io.tmpdir"),
            "rdw-bk-" + Long.toHexString(ProcessHandle.current().pid())).toAbsolutePath();
    private final List<DatastoreInstance> instances = new ArrayList<>();
    private Datastore datastore;
    private DatastoreVersion version;

    @Override
    public void beforeAll(ExtensionContext extension) {
        datastore = ServiceLoader.load(Datastore.class).stream().map(ServiceLoader.Provider::get)
                .filter(d -> d.type().equals("mariadb")).findFirst().orElseThrow();
        List<DatastoreVersion> versions = datastore.versions();
        if (versions.isEmpty()) {
            fail("mariadbd not found: install Debian package mariadb-server");
        }
        version = versions.get(0);
    }

    Path root() {
        return root;
    }

    Datastore datastore() {
        return datastore;
    }

    /** A prepared, running instance with no databases or users of its own. */
    LocalInstanceContext newInstance() {
        String id = UUID.randomUUID().toString();
        LocalInstanceContext context = LocalInstanceContext.create(id, version, FLAVOR, root.resolve(id.substring(0, 8)),
                root.resolve("templates").resolve(version.name()), "127.0.0.1", freePort());
        DatastoreInstance instance = datastore.open(context);
        instances.add(instance);
        instance.prepare(PrepareRequest.empty());
        return context;
    }

    /** Runs {@code sql} as the instance's administrative account and returns its output, tab separated. */
    static String sql(LocalInstanceContext context, String sql) {
        try {
            Process process = new ProcessBuilder("mariadb", "--defaults-file=" + context.confDir().resolve("client.cnf"),
                    "-N", "-B", "-e", sql).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("mariadb failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        for (int port = 35500 + (int) (ProcessHandle.current().pid() % 200); port < 36000; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // the next one
            }
        }
        throw new IllegalStateException("no free port in 35500-35999");
    }

    @Override
    public void afterAll(ExtensionContext extension) throws IOException {
        for (DatastoreInstance instance : instances) {
            instance.destroy();
        }
        for (long pid : LocalProcessSupervisor.findProcessesReferencing(root)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (Files.exists(root)) {
            try (var files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
