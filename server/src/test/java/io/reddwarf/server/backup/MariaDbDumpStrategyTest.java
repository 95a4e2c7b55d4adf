package io.reddwarf.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.backup.MariaDbDumpStrategy;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.FileSystemObjectStore;
import io.reddwarf.backup.pipeline.MasterKey;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreException;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backs up a real MariaDB instance through the pipeline and restores it into a fresh one. */
final class MariaDbDumpStrategyTest {
    private static final String TABLES = "shop.items, shop.orders";

    @RegisterExtension
    static final ScratchInstances scratch = new ScratchInstances();

    @Test
    void aRestoredInstanceHasTheSameTables() throws IOException {
        LocalInstanceContext source = scratch.newInstance();
        ScratchInstances.sql(source, """
                CREATE DATABASE shop;
                USE shop;
                CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2), data BLOB) ENGINE=InnoDB;
                CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, item INT, note TEXT) ENGINE=InnoDB;
                INSERT INTO shop.items SELECT seq, CONCAT('item ', seq, ' é'), seq * 1.25, UNHEX(SHA2(seq, 256)) FROM seq_1_to_2000;
                INSERT INTO shop.orders (item, note) SELECT seq % 2000 + 1, REPEAT('n', seq % 50) FROM seq_1_to_5000;
                CREATE PROCEDURE shop.count_items() SELECT COUNT(*) FROM shop.items;
                """);
        String checksums = ScratchInstances.sql(source, "CHECKSUM TABLE " + TABLES + " EXTENDED");

        FileSystemObjectStore store = new FileSystemObjectStore(scratch.root().resolve("store"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        BackupStrategy strategy = new MariaDbDumpStrategy();
        StoredBackup backup = pipeline.backup(strategy, source, Optional.empty(), "b1.rdw", n -> {});
        assertThat(backup.metadata().strategy()).isEqualTo("mariadb-dump");
        assertThat(backup.size()).isPositive().isLessThan(backup.rawSize());

        LocalInstanceContext target = scratch.newInstance();
        pipeline.restore(strategy, target, backup);

        assertThat(ScratchInstances.sql(target, "CHECKSUM TABLE " + TABLES + " EXTENDED")).isEqualTo(checksums).contains("shop.items");
        assertThat(ScratchInstances.sql(target, "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop'"))
                .isEqualTo("count_items");
        assertThat(ScratchInstances.sql(source, "SELECT COUNT(*) FROM shop.orders")).isEqualTo("5000");
    }

    @Test
    void aBrokenDumpFailsTheBackupAndStoresNothing() {
        LocalInstanceContext stopped = scratch.newInstance();
        scratch.datastore().open(stopped).stop();
        FileSystemObjectStore store = new FileSystemObjectStore(scratch.root().resolve("store-broken"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        assertThatThrownBy(() -> pipeline.backup(new MariaDbDumpStrategy(), stopped, Optional.empty(), "b2.rdw", n -> {}))
                .isInstanceOf(DatastoreException.class)
                .hasMessageStartingWith("mariadb-dump failed to back up instance " + stopped.instanceId() + " (exit code 2):");
        assertThat(store.size("b2.rdw")).isEmpty();
        assertThat(store.partialCount()).isZero();
    }
}
