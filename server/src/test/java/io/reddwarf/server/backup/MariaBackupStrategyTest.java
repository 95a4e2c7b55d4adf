package io.reddwarf.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.backup.MariaBackupStrategy;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.FileSystemObjectStore;
import io.reddwarf.backup.pipeline.MasterKey;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Physical backups of a real MariaDB instance, full and incremental, restored into a fresh instance. */
final class MariaBackupStrategyTest {
    private static final String PHYSICAL_TABLES = "shop.items, shop.log";

    @RegisterExtension
    static final ScratchInstances scratch = new ScratchInstances();

    @Test
    void aFullAndAnIncrementalBackupRestoreIntoAFreshInstance() throws IOException {
        LocalInstanceContext source = scratch.newInstance();
        ScratchInstances.sql(source, """
                CREATE DATABASE shop;
                USE shop;
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), data BLOB) ENGINE=InnoDB;
                INSERT INTO items SELECT seq, CONCAT('item ', seq), UNHEX(SHA2(seq, 256)) FROM seq_1_to_2000;
                CREATE TABLE log (id INT PRIMARY KEY, note TEXT) ENGINE=Aria;
                INSERT INTO log SELECT seq, REPEAT('l', seq % 40) FROM seq_1_to_500;
                """);
        FileSystemObjectStore store = new FileSystemObjectStore(scratch.root().resolve("store-physical"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        BackupStrategy strategy = new MariaBackupStrategy();
        StoredBackup full = pipeline.backup(strategy, source, Optional.empty(), "full.rdwb", n -> {});
        assertThat(full.metadata().properties()).containsEntry("backup_type", "full-backuped").containsKey("to_lsn");

        ScratchInstances.sql(source, """
                USE shop;
                INSERT INTO shop.items SELECT seq, CONCAT('later ', seq), NULL FROM seq_2001_to_4000;
                UPDATE shop.items SET name = 'changed' WHERE id <= 100;
                INSERT INTO shop.log SELECT seq, 'more' FROM seq_501_to_600;
                """);
        StoredBackup incremental = pipeline.backup(strategy, source, Optional.of(full.metadata()), "inc.rdwb", n -> {});
        assertThat(incremental.metadata().properties()).containsEntry("backup_type", "incremental")
                .containsEntry("from_lsn", full.metadata().properties().get("to_lsn"));
        String checksums = ScratchInstances.sql(source, "CHECKSUM TABLE " + PHYSICAL_TABLES + " EXTENDED");

        LocalInstanceContext target = scratch.newInstance();
        DatastoreInstance engine = scratch.datastore().open(target);
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

        assertThat(ScratchInstances.sql(target, "CHECKSUM TABLE " + PHYSICAL_TABLES + " EXTENDED")).isEqualTo(checksums);
        assertThat(ScratchInstances.sql(target, "SELECT COUNT(*) FROM shop.items WHERE name = 'changed'")).isEqualTo("100");
    }
}
