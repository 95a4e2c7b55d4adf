package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SecretBoxTest {
    @Test
    void sealsWithAPrivateMasterKey(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("state/master.key");
        SecretBox box = SecretBox.open(key);
        String sealed = box.seal("S3cret-pass");

        assertThat(sealed).doesNotContain("S3cret");
        assertThat(SecretBox.open(key).open(sealed)).isEqualTo("S3cret-pass");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(box.seal("S3cret-pass")).isNotEqualTo(sealed);
    }

    @Test
    void anotherKeyCannotOpen(@TempDir Path dir) {
        String sealed = SecretBox.open(dir.resolve("a.key")).seal("x");
        assertThatThrownBy(() -> SecretBox.open(dir.resolve("b.key")).open(sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("x\"");
    }
}
