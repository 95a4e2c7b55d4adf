package io.reddwarf.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
}
