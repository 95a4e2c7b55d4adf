package io.reddwarf.server.backup;

import io.reddwarf.backup.BackupPipeline;
import io.reddwarf.backup.FileSystemObjectStore;
import io.reddwarf.backup.MariaDbDumpStrategy;
import io.reddwarf.backup.MasterKey;
import io.reddwarf.backup.StoredBackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.core.local.LocalInstanceContext;
import io.reddwarf.core.local.LocalProcessSupervisor;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.PrepareRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backs up a real MariaDB instance through the pipeline and restores it into a fresh one. */
final class MariaDbDumpStrategyTest {
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"),
            "rdw-bk-" + Long.toHexString(ProcessHandle.current().pid())).toAbsolutePath();
    private static final Flavor FLAVOR = new Flavor("1", "tiny", 512, 1, 1);
    private static final String TABLES = "shop.items, shop.orders";

    private static Datastore datastore;
    private static DatastoreVersion version;
    private static final List<DatastoreInstance> INSTANCES = new ArrayList<>();

    @BeforeAll
    static void findServer() {
        datastore = ServiceLoader.load(Datastore.class).stream().map(ServiceLoader.Provider::get)
                .filter(d -> d.type().equals("mariadb")).findFirst().orElseThrow();
        List<DatastoreVersion> versions = datastore.versions();
        if (versions.isEmpty()) {
            fail("mariadbd not found: install Debian package mariadb-server");
        }
        version = versions.get(0);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        for (DatastoreInstance instance : INSTANCES) {
            instance.destroy();
        }
        for (long pid : LocalProcessSupervisor.findProcessesReferencing(ROOT)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (Files.exists(ROOT)) {
            try (var files = Files.walk(ROOT)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aRestoredInstanceHasTheSameTables() throws IOException {
        LocalInstanceContext source = newInstance();
        sql(source, """
                CREATE DATABASE shop;
                USE shop;
                CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2), data BLOB) ENGINE=InnoDB;
                CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, item INT, note TEXT) ENGINE=InnoDB;
                INSERT INTO shop.items SELECT seq, CONCAT('item ', seq, ' é'), seq * 1.25, UNHEX(SHA2(seq, 256)) FROM seq_1_to_2000;
                INSERT INTO shop.orders (item, note) SELECT seq % 2000 + 1, REPEAT('n', seq % 50) FROM seq_1_to_5000;
                CREATE PROCEDURE shop.count_items() SELECT COUNT(*) FROM shop.items;
                """);
        String checksums = sql(source, "CHECKSUM TABLE " + TABLES + " EXTENDED");

        FileSystemObjectStore store = new FileSystemObjectStore(ROOT.resolve("store"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        BackupStrategy strategy = new MariaDbDumpStrategy();
        StoredBackup backup = pipeline.backup(strategy, source, Optional.empty(), "b1.rdw", n -> {});
        assertThat(backup.metadata().strategy()).isEqualTo("mariadb-dump");
        assertThat(backup.size()).isPositive().isLessThan(backup.rawSize());

        LocalInstanceContext target = newInstance();
        pipeline.restore(strategy, target, backup);

        assertThat(sql(target, "CHECKSUM TABLE " + TABLES + " EXTENDED")).isEqualTo(checksums).contains("shop.items");
        assertThat(sql(target, "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop'"))
                .isEqualTo("count_items");
        assertThat(sql(source, "SELECT COUNT(*) FROM shop.orders")).isEqualTo("5000");
    }

    @Test
    void aBrokenDumpFailsTheBackupAndStoresNothing() {
        LocalInstanceContext stopped = newInstance();
        datastore.open(stopped).stop();
        FileSystemObjectStore store = new FileSystemObjectStore(ROOT.resolve("store-broken"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        assertThatThrownBy(() -> pipeline.backup(new MariaDbDumpStrategy(), stopped, Optional.empty(), "b2.rdw", n -> {}))
                .isInstanceOf(DatastoreException.class)
                .hasMessageStartingWith("mariadb-dump failed to back up instance " + stopped.instanceId() + " (exit code 2):");
        assertThat(store.size("b2.rdw")).isEmpty();
        assertThat(store.partialCount()).isZero();
    }

    private static LocalInstanceContext newInstance() {
        String id = UUID.randomUUID().toString();
        LocalInstanceContext context = LocalInstanceContext.create(id, version, FLAVOR, ROOT.resolve(id.substring(0, 8)),
                ROOT.resolve("templates").resolve(version.name()), "127.0.0.1", freePort());
        DatastoreInstance instance = datastore.open(context);
        INSTANCES.add(instance);
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
            throw new java.io.UncheckedIOException(e);
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
}
