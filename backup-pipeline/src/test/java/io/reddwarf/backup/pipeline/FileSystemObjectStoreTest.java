package io.reddwarf.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileSystemObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void readBackFollowsTheWriterAndEndsAtTheCommittedLength() throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        byte[] data = new byte[80 << 20];
        new Random(5).nextBytes(data);
        CompletableFuture<byte[]> behind;
        try (ObjectStore.Upload upload = store.create("a/b.obj")) {
            InputStream readBack = upload.readBack().orElseThrow();
            behind = CompletableFuture.supplyAsync(() -> {
                try (readBack) {
                    return readBack.readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            OutputStream out = upload.stream();
            for (int off = 0; off < data.length; off += 1 << 20) {
                out.write(data, off, 1 << 20);
            }
            // Before the commit the reader has at most the durable part: it is still waiting.
            assertThat(behind).isNotDone();
            upload.commit();
        }
        assertThat(behind.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        assertThat(store.size("a/b.obj")).hasValue(data.length);
        assertThat(store.partialCount()).isZero();
    }

    @Test
    void readBackOfAnAbandonedUploadFailsAndTheFileIsGone() throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        InputStream readBack;
        try (ObjectStore.Upload upload = store.create("gone.obj")) {
            readBack = upload.readBack().orElseThrow();
            upload.stream().write(new byte[1000]);
        }
        try (readBack) {
            assertThatThrownBy(readBack::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessage("The upload of gone.obj was abandoned.");
        }
        assertThat(store.size("gone.obj")).isEmpty();
        assertThat(store.partialCount()).isZero();
    }

    @Test
    void objectsAreFilesAndDirectoriesOfTheirOwnerOnly() throws Exception {
        Path root = dir.resolve("backups");
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(root.resolve(".partial"))).isEqualTo("rwx------");
        try (ObjectStore.Upload upload = store.create("shop/b1.obj")) {
            upload.stream().write(new byte[1000]);
            try (Stream<Path> partial = Files.list(root.resolve(".partial"))) {
                assertThat(partial.map(FileSystemObjectStoreTest::mode)).containsExactly("rw-------");
            }
            upload.commit();
        }
        assertThat(mode(root.resolve("shop"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("shop").resolve("b1.obj"))).isEqualTo("rw-------");
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
