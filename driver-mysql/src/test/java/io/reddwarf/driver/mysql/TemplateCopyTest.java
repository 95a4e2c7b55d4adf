package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy of the data directory template into a new instance: when the disk fills up half-way,
 * the build fails naming the full disk and leaves nothing of the copy behind.
 */
final class TemplateCopyTest {

    @Test
    void aCopyThatRunsOutOfSpaceRemovesWhatItCopied(@TempDir Path tmp) throws IOException {
        Path template = template(tmp.resolve("template"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        AtomicInteger copied = new AtomicInteger();

        assertThatThrownBy(() -> MySqlFamilyInstance.copyTree(template, data, (from, to) -> {
            if (copied.get() == 3) {
                Files.writeString(to, "half a file");
                throw new FileSystemException(from.toString(), to.toString(), "No space left on device");
            }
            Files.copy(from, to);
            copied.incrementAndGet();
        }))
                .isInstanceOf(DatastoreException.class)
                .hasMessage("Could not copy the data directory template into " + data + ": No space left on device");

        assertThat(copied).hasValue(3);
        assertThat(data).isEmptyDirectory();
        assertThat(template.resolve("mysql").resolve("user.frm")).exists();
    }

    @Test
    void aCompleteCopyHasEveryFileOfTheTemplate(@TempDir Path tmp) throws IOException {
        Path template = template(tmp.resolve("template"));
        Path data = Files.createDirectory(tmp.resolve("data"));

        MySqlFamilyInstance.copyTree(template, data);

        try (Stream<Path> files = Files.walk(data)) {
            assertThat(files.filter(Files::isRegularFile).map(data::relativize).map(Path::toString).sorted().toList())
                    .containsExactly("aria_log.00000001", "ibdata1", "mysql/db.frm", "mysql/user.frm",
                            "performance_schema/db.opt");
        }
    }

    private static Path template(Path root) throws IOException {
        Files.createDirectories(root.resolve("mysql"));
        Files.createDirectories(root.resolve("performance_schema"));
        for (String file : new String[] {"ibdata1", "aria_log.00000001", "mysql/user.frm", "mysql/db.frm",
                "performance_schema/db.opt"}) {
            Files.writeString(root.resolve(file), "content of " + file);
        }
        return root;
    }
}
