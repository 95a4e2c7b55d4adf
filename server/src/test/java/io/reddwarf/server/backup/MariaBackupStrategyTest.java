package io.reddwarf.server.backup;

import io.reddwarf.backup.BackupPipeline;
import io.reddwarf.backup.FileSystemObjectStore;
import io.reddwarf.backup.MariaBackupStrategy;
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

/** Physical backups of a real MariaDB instance, full and incremental, restored into a fresh instance. */
final class MariaBackupStrategyTest {
    private static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"),
            "rdw-pb-" + Long.toHexString(ProcessHandle.current().pid())).toAbsolutePath();
    private static final Flavor FLAVOR = new Flavor("1", "tiny", 512, 1, 1);
    private static final String PHYSICAL_TABLES = "shop.items, shop.log";

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
    void aFullAndAnIncrementalBackupRestoreIntoAFreshInstance() throws IOException {
        LocalInstanceContext source = newInstance();
        sql(source, """
                CREATE DATABASE shop;
                USE shop;
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), data BLOB) ENGINE=InnoDB;
                INSERT INTO items SELECT seq, CONCAT('item ', seq), UNHEX(SHA2(seq, 256)) FROM seq_1_to_2000;
                CREATE TABLE log (id INT PRIMARY KEY, note TEXT) ENGINE=Aria;
                INSERT INTO log SELECT seq, REPEAT('l', seq % 40) FROM seq_1_to_500;
                """);
        FileSystemObjectStore store = new FileSystemObjectStore(ROOT.resolve("store-physical"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        BackupStrategy strategy = new MariaBackupStrategy();
        StoredBackup full = pipeline.backup(strategy, source, Optional.empty(), "full.rdwb", n -> {});
        assertThat(full.metadata().properties()).containsEntry("backup_type", "full-backuped").containsKey("to_lsn");

        sql(source, """
                USE shop;
                INSERT INTO shop.items SELECT seq, CONCAT('later ', seq), NULL FROM seq_2001_to_4000;
                UPDATE shop.items SET name = 'changed' WHERE id <= 100;
                INSERT INTO shop.log SELECT seq, 'more' FROM seq_501_to_600;
                """);
        StoredBackup incremental = pipeline.backup(strategy, source, Optional.of(full.metadata()), "inc.rdwb", n -> {});
        assertThat(incremental.metadata().properties()).containsEntry("backup_type", "incremental")
                .containsEntry("from_lsn", full.metadata().properties().get("to_lsn"));
        String checksums = sql(source, "CHECKSUM TABLE " + PHYSICAL_TABLES + " EXTENDED");

        LocalInstanceContext target = newInstance();
        DatastoreInstance engine = datastore.open(target);
        engine.stop();
        try (var entries = Files.list(target.dataDir())) {
            for (Path entry : entries.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                try (var tree = Files.walk(entry)) {
                    tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        pipeline.restore(strategy, target, full);
        pipeline.restore(strategy, target, incremental);
        engine.start();
        strategy.afterRestore(target);

        assertThat(sql(target, "CHECKSUM TABLE " + PHYSICAL_TABLES + " EXTENDED")).isEqualTo(checksums);
        assertThat(sql(target, "SELECT COUNT(*) FROM shop.items WHERE name = 'changed'")).isEqualTo("100");
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
        for (int port = 35700 + (int) (ProcessHandle.current().pid() % 200); port < 36000; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // the next one
            }
        }
        throw new IllegalStateException("no free port in 35500-35999");
    }
}
