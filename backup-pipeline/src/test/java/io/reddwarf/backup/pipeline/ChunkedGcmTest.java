package io.reddwarf.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

final class ChunkedGcmTest {
    private static final int CHUNK = 1024;
    private final SecretKey key = MasterKey.newDataKey();

    @Test
    void roundTripsEmptyExactAndPartialChunks() throws IOException {
        for (int size : new int[] {0, 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 17}) {
            byte[] plain = randomBytes(size);
            assertThat(decrypt(encrypt(plain), key)).as("size %d", size).isEqualTo(plain);
        }
    }

    @Test
    void aTruncatedStreamIsReportedAsTruncated() throws IOException {
        byte[] sealed = encrypt(randomBytes(3 * CHUNK + 5));
        int oneChunk = 1 + 4 + CHUNK + 16;
        for (int cut : new int[] {0, 10, ChunkedGcm.HEADER_SIZE + 3, ChunkedGcm.HEADER_SIZE + oneChunk, sealed.length - 1}) {
            byte[] truncated = Arrays.copyOf(sealed, cut);
            assertThatThrownBy(() -> decrypt(truncated, key)).as("cut at %d", cut)
                    .isInstanceOf(BackupIntegrityException.class)
                    .hasMessage(BackupIntegrityException.TRUNCATED);
        }
    }

    @Test
    void droppingTheLastChunksFailsEvenAtAChunkBoundary() throws IOException {
        byte[] sealed = encrypt(randomBytes(3 * CHUNK));
        int oneChunk = 1 + 4 + CHUNK + 16;
        byte[] twoChunks = Arrays.copyOf(sealed, ChunkedGcm.HEADER_SIZE + 2 * oneChunk);
        assertThatThrownBy(() -> decrypt(twoChunks, key)).hasMessage(BackupIntegrityException.TRUNCATED);
    }

    @Test
    void reorderedChunksFailAuthentication() throws IOException {
        byte[] sealed = encrypt(randomBytes(3 * CHUNK + 5));
        int oneChunk = 1 + 4 + CHUNK + 16;
        byte[] swapped = sealed.clone();
        int first = ChunkedGcm.HEADER_SIZE;
        System.arraycopy(sealed, first + oneChunk, swapped, first, oneChunk);
        System.arraycopy(sealed, first, swapped, first + oneChunk, oneChunk);
        assertThatThrownBy(() -> decrypt(swapped, key)).hasMessage(BackupIntegrityException.NOT_AUTHENTIC);
    }

    @Test
    void aFlippedBitFailsAuthentication() throws IOException {
        byte[] sealed = encrypt(randomBytes(2 * CHUNK));
        sealed[sealed.length / 2] ^= 1;
        assertThatThrownBy(() -> decrypt(sealed, key)).hasMessage(BackupIntegrityException.NOT_AUTHENTIC);
    }

    @Test
    void anotherKeyFailsAuthentication() throws IOException {
        byte[] sealed = encrypt(randomBytes(100));
        assertThatThrownBy(() -> decrypt(sealed, MasterKey.newDataKey())).hasMessage(BackupIntegrityException.NOT_AUTHENTIC);
    }

    @Test
    void bytesAfterTheFinalChunkFail() throws IOException {
        byte[] sealed = encrypt(randomBytes(100));
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThatThrownBy(() -> decrypt(longer, key)).hasMessage(BackupIntegrityException.NOT_AUTHENTIC);
    }

    @Test
    void somethingElseIsNotABackup() {
        assertThatThrownBy(() -> decrypt(randomBytes(100), key)).hasMessage(BackupIntegrityException.NOT_A_BACKUP);
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = ChunkedGcm.encrypt(sealed, key, CHUNK)) {
            out.write(plain);
        }
        return sealed.toByteArray();
    }

    private static byte[] decrypt(byte[] sealed, SecretKey key) throws IOException {
        return ChunkedGcm.decrypt(new ByteArrayInputStream(sealed), key).readAllBytes();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
