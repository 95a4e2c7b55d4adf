package io.reddwarf.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class FileSecretStoreTest {
    @TempDir
    Path dir;

    @Test
    void storedSecretIsReadBackFromAnOwnerOnlyFile() throws IOException {
        FileSecretStore store = new FileSecretStore(dir);

        store.put("admin-password", new Secret("s3cret"));

        assertThat(store.get("admin-password")).contains(new Secret("s3cret"));
        Path file = dir.resolve("admin-password.secret");
        assertThat(Files.readString(file)).isEqualTo("s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("admin-password.secret");
        }
    }

    @Test
    void putReplacesTheValue() {
        FileSecretStore store = new FileSecretStore(dir);
        store.put("key", new Secret("one"));

        store.put("key", new Secret("two"));

        assertThat(new FileSecretStore(dir).get("key")).contains(new Secret("two"));
    }

    @Test
    void missingSecretIsEmpty() {
        assertThat(new FileSecretStore(dir).get("absent")).isEmpty();
    }

    @Test
    void generatedSecretIsLongRandomAlphanumericAndStable() throws IOException {
        FileSecretStore store = new FileSecretStore(dir);

        Secret first = store.getOrGenerate("admin-password");

        assertThat(first.value()).matches("[A-Za-z0-9]{32}");
        assertThat(store.getOrGenerate("admin-password")).isEqualTo(first);
        assertThat(new FileSecretStore(dir).get("admin-password")).contains(first);
        assertThat(new FileSecretStore(dir).getOrGenerate("other")).isNotEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin-password.secret"))))
                .isEqualTo("rw-------");
    }

    @Test
    void concurrentGeneratorsAgreeOnOneValue() {
        List<CompletableFuture<Secret>> futures = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> new FileSecretStore(dir).getOrGenerate("shared")))
                .toList();

        List<Secret> values = futures.stream().map(CompletableFuture::join).distinct().toList();

        assertThat(values).hasSize(1);
    }

    @Test
    void keysAreShortLowercaseNames() {
        FileSecretStore store = new FileSecretStore(dir);

        for (String key : List.of("", "Admin", "../escape", "a/b", "-lead", "x".repeat(65), "a.b")) {
            assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid secret key: " + key);
        }
    }
}
