package io.reddwarf.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.FileSystemObjectStore;
import io.reddwarf.backup.pipeline.MasterKey;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.tck.TckInstanceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup tool dies half-way: the backup fails with the tool's error and nothing is stored. */
final class MariaBackupStrategyFaultTest {
    @TempDir
    Path dir;

    @Test
    void aToolKilledMidBackupFailsAndLeavesNothingBehind() throws IOException {
        Path tool = dir.resolve("fake-mariabackup");
        Files.writeString(tool, "#!/bin/sh\nhead -c 5000000 /dev/urandom\necho 'killed half-way' >&2\nkill -9 $$\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        TckInstanceContext context = TckInstanceContext.create("i-1", new DatastoreVersion("10.11", "10.11.0"),
                new Flavor("1", "tiny", 512, 1, 1), dir.resolve("home"), dir.resolve("template"), "127.0.0.1", 1);
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("store"));
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());

        assertThatThrownBy(() -> pipeline.backup(new MariaBackupStrategy(tool.toString(), "mbstream"), context,
                Optional.empty(), "b.rdwb", n -> {}))
                .isInstanceOf(DatastoreException.class)
                .hasMessage(tool + " failed to back up instance i-1 (exit code 137): killed half-way");
        assertThat(store.size("b.rdwb")).isEmpty();
        assertThat(store.partialCount()).isZero();
        try (var left = Files.list(context.runDir())) {
            assertThat(left).as("scratch directories of the tool").isEmpty();
        }
    }
}
