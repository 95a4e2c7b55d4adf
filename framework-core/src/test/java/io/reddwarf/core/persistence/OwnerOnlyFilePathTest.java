package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.CoreConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way H2 creates a file of the embedded state store gives it to its owner only. */
final class OwnerOnlyFilePathTest {
    @TempDir
    Path dir;

    @Test
    void theStateStoreIsCreatedOwnerOnly() throws Exception {
        Path home = dir.resolve("home");
        try (Database db = Database.open(CoreConfig.load(home))) {
            assertThat(db.dsl().fetchValue("SELECT 1")).isEqualTo(1);
        }
        assertThat(mode(home.resolve("state"))).isEqualTo("rwx------");
        assertThat(mode(home.resolve("state").resolve("reddwarf.mv.db"))).isEqualTo("rw-------");
    }

    @Test
    void filesStreamsTemporaryFilesAndDirectoriesAreOwnerOnly() throws Exception {
        String base = Database.embeddedUrl(dir).replaceFirst("^jdbc:h2:", "").replaceFirst(";.*", "");
        assertThat(base).isEqualTo("retry:owner-only:" + dir.resolve("reddwarf"));

        try (FileChannel channel = FilePath.get(base + ".mv.db").open("rw")) {
            assertThat(channel.size()).isZero();
        }
        try (OutputStream trace = FilePath.get(base + ".trace.db").newOutputStream(true)) {
            trace.write('x');
        }
        assertThat(FilePath.get(base + ".lock.db").createFile()).isTrue();
        assertThat(FilePath.get(base + ".lock.db").createFile()).isFalse();
        FilePath temp = FilePath.get(base).createTempFile(".temp.db", false);
        FilePath.get("owner-only:" + dir.resolve("sub")).createDirectory();

        assertThat(mode(dir.resolve("reddwarf.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("reddwarf.trace.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("reddwarf.lock.db"))).isEqualTo("rw-------");
        Path tempFile = Path.of(temp.toString().replaceFirst("^retry:owner-only:", ""));
        assertThat(mode(tempFile)).isEqualTo("rw-------");
        assertThat(tempFile.getParent()).isEqualTo(dir);
        assertThat(mode(dir.resolve("sub"))).isEqualTo("rwx------");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
