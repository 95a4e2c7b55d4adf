package io.reddwarf.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BackupPipelineTest {
    private static final byte[] DATA = data();

    @TempDir
    Path dir;

    @Test
    void storesCompressedEncryptedAndRestoresTheSameBytes() {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        List<Long> progress = new ArrayList<>();
        StoredBackup backup = pipeline.backup(new BytesStrategy(DATA, false), null, Optional.empty(), "a/b.rdw", progress::add);

        assertThat(backup.rawSize()).isEqualTo(DATA.length);
        assertThat(backup.size()).isEqualTo(store.size("a/b.rdw").getAsLong()).isLessThan(DATA.length / 2);
        assertThat(backup.sha256()).hasSize(64);
        assertThat(progress).isNotEmpty().isSorted();
        assertThat(backup.metadata().properties()).containsEntry("k", "v");

        BytesStrategy target = new BytesStrategy(null, false);
        pipeline.restore(target, null, backup);
        assertThat(target.restored.toByteArray()).isEqualTo(DATA);
    }

    @Test
    void aFailingToolLeavesNoObjectAndNoPartialFile() {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        assertThatThrownBy(() -> pipeline.backup(new BytesStrategy(DATA, true), null, Optional.empty(), "x.rdw", n -> {}))
                .isInstanceOf(DatastoreException.class).hasMessage("tool died");
        assertThat(store.size("x.rdw")).isEmpty();
        assertThat(store.partialCount()).isZero();
    }

    @Test
    void aCorruptObjectIsRefusedBeforeAnyByteReachesTheTool() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        StoredBackup backup = pipeline.backup(new BytesStrategy(DATA, false), null, Optional.empty(), "c.rdw", n -> {});
        Path file = dir.resolve("c.rdw");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        BytesStrategy target = new BytesStrategy(null, false);
        assertThatThrownBy(() -> pipeline.restore(target, null, backup)).hasMessage(BackupIntegrityException.CHECKSUM_MISMATCH);
        assertThat(target.restored.size()).isZero();
    }

    @Test
    void aTruncatedObjectIsRefused() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        StoredBackup backup = pipeline.backup(new BytesStrategy(DATA, false), null, Optional.empty(), "t.rdw", n -> {});
        try (var channel = java.nio.channels.FileChannel.open(dir.resolve("t.rdw"), StandardOpenOption.WRITE)) {
            channel.truncate(backup.size() - 100);
        }
        assertThatThrownBy(() -> pipeline.restore(new BytesStrategy(null, false), null, backup))
                .hasMessage(BackupIntegrityException.TRUNCATED);
    }

    @Test
    void verifyReadsTheObjectOnceAndNamesWhatIsWrong() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        BackupPipeline pipeline = new BackupPipeline(store, MasterKey.random());
        StoredBackup backup = pipeline.backup(new BytesStrategy(DATA, false), null, Optional.empty(), "v.rdw", n -> {});
        pipeline.verify(backup);
        Path file = dir.resolve("v.rdw");
        byte[] good = Files.readAllBytes(file);

        byte[] altered = good.clone();
        altered[altered.length / 3] ^= 1;
        Files.write(file, altered);
        assertThatThrownBy(() -> pipeline.verify(backup)).hasMessage(BackupIntegrityException.CHECKSUM_MISMATCH);

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> pipeline.verify(backup)).hasMessage(BackupIntegrityException.TRUNCATED);

        // Bytes that match the recorded checksum but do not authenticate: a record that lies about the object.
        Files.write(file, altered);
        StoredBackup lying = new StoredBackup(backup.objectKey(), altered.length, backup.rawSize(),
                java.util.HexFormat.of().formatHex(sha256(altered)), backup.keyId(), backup.wrappedKey(), backup.metadata());
        assertThatThrownBy(() -> pipeline.verify(lying)).hasMessage(BackupIntegrityException.NOT_AUTHENTIC);
    }

    @Test
    void warmUpEncryptsAndDecryptsWithoutError() {
        ChunkedGcm.warmUp();
        ChunkedGcm.warmUp();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anotherMasterKeyIsRefused() {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        StoredBackup backup = new BackupPipeline(store, MasterKey.random())
                .backup(new BytesStrategy(DATA, false), null, Optional.empty(), "k.rdw", n -> {});
        BackupPipeline other = new BackupPipeline(store, MasterKey.random());
        assertThatThrownBy(() -> other.restore(new BytesStrategy(null, false), null, backup))
                .hasMessage(BackupIntegrityException.WRONG_KEY);
        StoredBackup claimingTheOtherKey = new StoredBackup(backup.objectKey(), backup.size(), backup.rawSize(),
                backup.sha256(), MasterKey.random().id(), backup.wrappedKey(), backup.metadata());
        assertThatThrownBy(() -> other.verify(claimingTheOtherKey)).hasMessage(BackupIntegrityException.WRONG_KEY);
    }

    @Test
    void aPipelineGivenTheDataKeysOfOneCommandWritesAndReadsWithoutTheMasterKey() {
        FileSystemObjectStore store = new FileSystemObjectStore(dir);
        MasterKey master = MasterKey.random();
        DataKeys.IssuedKey issued = master.issue();
        // what an agent gets: the data key in the clear, as its backup will store it
        BackupPipeline agent = new BackupPipeline(store, DataKeys.given(List.of(issued)));
        StoredBackup backup = agent.backup(new BytesStrategy(DATA, false), null, Optional.empty(), "given.rdw", n -> {});
        assertThat(backup.keyId()).isEqualTo(master.id());
        assertThat(backup.wrappedKey()).isEqualTo(issued.wrappedKey());

        // the control plane's master key opens it; so does a restore given the unwrapped key
        new BackupPipeline(store, master).verify(backup);
        BytesStrategy restored = new BytesStrategy(null, false);
        new BackupPipeline(store, DataKeys.given(List.of(new DataKeys.IssuedKey(
                master.unwrap(backup.keyId(), backup.wrappedKey()), backup.keyId(), backup.wrappedKey()))))
                .restore(restored, null, backup);
        assertThat(restored.restored.toByteArray()).isEqualTo(DATA);

        // keys given for another backup do not open this one
        BackupPipeline stranger = new BackupPipeline(store, DataKeys.given(List.of(master.issue())));
        assertThatThrownBy(() -> stranger.verify(backup)).hasMessage(BackupIntegrityException.WRONG_KEY);
        assertThatThrownBy(() -> DataKeys.given(List.of()).issue()).isInstanceOf(IllegalStateException.class);
        assertThat(issued.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(issued.key().getEncoded()));
    }

    @Test
    void onlyTheStoresWriterRemovesTheUploadsOfACrash() throws IOException {
        Path leftover = dir.resolve("shared").resolve(".partial").resolve("upload-1");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "half an upload");
        new FileSystemObjectStore(dir.resolve("shared"), false);
        assertThat(leftover).as("an upload of another process, which may be under way").exists();
        new FileSystemObjectStore(dir.resolve("shared"));
        assertThat(leftover).as("left by the writer's crash").doesNotExist();
    }

    @Test
    void theMasterKeyFileIsCreatedOnceAndPrivate() throws IOException {
        Path file = dir.resolve("keys/master.key");
        MasterKey first = MasterKey.loadOrCreate(file);
        assertThat(MasterKey.loadOrCreate(file).id()).isEqualTo(first.id());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static byte[] data() {
        StringBuilder text = new StringBuilder();
        Random random = new Random(1);
        while (text.length() < 3_000_000) {
            text.append("INSERT INTO t VALUES (").append(random.nextInt(1000)).append(", 'row');\n");
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Writes fixed bytes (then fails, if asked to) and collects what it restores. */
    private static final class BytesStrategy implements BackupStrategy {
        private final byte[] bytes;
        private final boolean fail;
        final ByteArrayOutputStream restored = new ByteArrayOutputStream();

        BytesStrategy(byte[] bytes, boolean fail) {
            this.bytes = bytes;
            this.fail = fail;
        }

        @Override
        public String name() {
            return "bytes";
        }

        @Override
        public Kind kind() {
            return Kind.LOGICAL;
        }

        @Override
        public boolean supports(String datastoreType, DatastoreVersion version) {
            return true;
        }

        @Override
        public BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
            try {
                sink.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (fail) {
                throw new DatastoreException("tool died");
            }
            return new BackupMetadata("bytes", Map.of("k", "v"));
        }

        @Override
        public void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
            try {
                source.transferTo(restored);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
