package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ObjectStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import javax.crypto.SecretKey;

/**
 * Moves a backup between a strategy and the object store without a full copy on local disk:
 * tool output → zstd → AES-256-GCM in chunks ({@link ChunkedGcm}) under a fresh data key → SHA-256
 * over the stored bytes → store; and back for a restore, after the stored bytes were checked
 * against their SHA-256. Thread-safe.
 */
public final class BackupPipeline {
    private static final int BUFFER = 1 << 20;
    private static final int HANDOFF_BUFFERS = 8;
    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private final ObjectStore store;
    private final DataKeys keys;
    private final int level;
    private final int workers;

    /**
     * @param level   the zstd level (1 is fastest)
     * @param workers zstd worker threads, 0 to compress on the calling thread
     */
    public BackupPipeline(ObjectStore store, DataKeys keys, int level, int workers) {
        this.store = requireNonNull(store, "store is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.level = level;
        this.workers = workers;
        warmUpOnce();
    }

    /**
     * Compiles the encryption path in the background once per process (see {@link ChunkedGcm#warmUp()}):
     * the first pipeline does it; a process that will run backups later may start it early.
     */
    public static void warmUpOnce() {
        if (WARMED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("backup-warm-up").priority(Thread.MIN_PRIORITY).start(ChunkedGcm::warmUp);
        }
    }

    public BackupPipeline(ObjectStore store, DataKeys keys) {
        this(store, keys, 1, 2);
    }

    public ObjectStore store() {
        return store;
    }

    /** Where the data keys come from. */
    public DataKeys keys() {
        return keys;
    }

    /**
     * Runs {@code strategy} on the calling thread and stores its output as {@code objectKey}. The
     * stored object is read back (behind the writer where the store allows it, else after the
     * commit) and its size, checksum and every chunk's authentication checked. The object exists
     * only if this returns.
     *
     * @param progress called with the number of bytes the tool produced so far, about once a chunk
     */
    public StoredBackup backup(BackupStrategy strategy, InstanceContext context, Optional<BackupMetadata> parent,
            String objectKey, LongConsumer progress) {
        return backup(strategy, context, parent, objectKey, progress, () -> {});
    }

    /**
     * As {@link #backup(BackupStrategy, InstanceContext, Optional, String, LongConsumer)}, calling
     * {@code saving} once the tool has finished, before the object is committed and verified.
     */
    public StoredBackup backup(BackupStrategy strategy, InstanceContext context, Optional<BackupMetadata> parent,
            String objectKey, LongConsumer progress, Runnable saving) {
        DataKeys.IssuedKey issued = keys.issue();
        SecretKey dataKey = issued.key();
        MessageDigest digest = sha256();
        BackupMetadata metadata;
        Counting stored;
        Counting raw;
        ReadBack readBack;
        try (ObjectStore.Upload upload = store.create(objectKey)) {
            readBack = upload.readBack().map(in -> new ReadBack(in, dataKey)).orElse(null);
            stored = new Counting(new DigestOutputStream(upload.stream(), digest), n -> {});
            OutputStream encrypted = ChunkedGcm.encrypt(new BufferedOutputStream(stored, BUFFER), dataKey);
            // Encryption, hashing and writing run on a thread of their own, beside the tool's pump and zstd's workers.
            OutputStream handoff = new HandoffOutputStream(encrypted, BUFFER, HANDOFF_BUFFERS, "backup-store");
            ZstdOutputStreamNoFinalizer compressed = new ZstdOutputStreamNoFinalizer(handoff, level);
            raw = new Counting(compressed, progress);
            OutputStream sink = new BufferedOutputStream(raw, BUFFER);
            try {
                if (workers > 0) {
                    compressed.setWorkers(workers);
                }
                metadata = strategy.backup(context, parent, new NonClosing(sink));
                saving.run();
            } catch (RuntimeException e) {
                try {
                    // Frees the compressor; what it writes goes with the upload that is not committed.
                    compressed.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            sink.close();
            upload.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store backup " + objectKey, e);
        }
        StoredBackup backup = new StoredBackup(objectKey, stored.count, raw.count,
                HexFormat.of().formatHex(digest.digest()), issued.keyId(), issued.wrappedKey(), metadata);
        try {
            if (readBack != null) {
                readBack.check(backup);
            } else {
                verify(backup);
            }
        } catch (RuntimeException e) {
            store.delete(objectKey);
            throw e;
        }
        return backup;
    }

    /**
     * Reads the stored object once and checks its size, its SHA-256 and the authentication of every
     * chunk.
     *
     * @throws BackupIntegrityException if any of them fails
     */
    public void verify(StoredBackup backup) {
        SecretKey dataKey = keys.unwrap(backup.keyId(), backup.wrappedKey());
        Measured stored = new Measured(store.open(backup.objectKey()));
        // Reading and hashing run ahead on a thread of their own while this one authenticates the chunks.
        try (InputStream ahead = new HandoffInputStream(stored, BUFFER, HANDOFF_BUFFERS, "backup-verify")) {
            Optional<BackupIntegrityException> refused = authenticate(ahead, dataKey);
            stored.check(backup);
            if (refused.isPresent()) {
                throw refused.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read backup " + backup.objectKey(), e);
        }
    }

    /**
     * Reads {@code stored} to its end, authenticating every chunk; returns the failure of the first
     * chunk that did not authenticate. The caller checks size and checksum first: a shorter or
     * altered object says so more precisely than the chunk that failed.
     */
    private static Optional<BackupIntegrityException> authenticate(InputStream stored, SecretKey dataKey)
            throws IOException {
        Optional<BackupIntegrityException> refused = Optional.empty();
        try {
            ChunkedGcm.decrypt(stored, dataKey).transferTo(OutputStream.nullOutputStream());
        } catch (BackupIntegrityException e) {
            refused = Optional.of(e);
        }
        stored.transferTo(OutputStream.nullOutputStream());
        return refused;
    }

    /**
     * Checks the stored object's SHA-256, then streams it decrypted and decompressed into
     * {@code strategy}'s restore; the SHA-256 is checked again over the bytes actually restored.
     *
     * @throws BackupIntegrityException if the object is altered, truncated or under another key
     */
    public void restore(BackupStrategy strategy, InstanceContext context, StoredBackup backup) {
        check(backup);
        restoreChecked(strategy, context, backup);
    }

    /**
     * Checks that the data key unwraps, then reads the stored object and checks its size and
     * SHA-256: what a restore does before the tool starts, for a caller that does it while it
     * prepares the instance.
     *
     * @throws BackupIntegrityException if the key is not this server's or the object is altered or truncated
     */
    public void check(StoredBackup backup) {
        keys.unwrap(backup.keyId(), backup.wrappedKey());
        checksum(backup);
    }

    /**
     * As {@link #restore}, for an object the caller has just passed through {@link #check}; the
     * SHA-256 is still checked over the bytes restored.
     */
    public void restoreChecked(BackupStrategy strategy, InstanceContext context, StoredBackup backup) {
        SecretKey dataKey = keys.unwrap(backup.keyId(), backup.wrappedKey());
        Measured stored = new Measured(store.open(backup.objectKey()));
        try (InputStream in = new ZstdInputStreamNoFinalizer(ChunkedGcm.decrypt(
                new HandoffInputStream(stored, BUFFER, HANDOFF_BUFFERS, "backup-restore"), dataKey))) {
            InputStream source = new BufferedInputStream(in, BUFFER);
            strategy.restore(context, backup.metadata(), source);
            if (source.read() >= 0) {
                throw new IOException("The restore of backup " + backup.objectKey() + " stopped before the end of the backup.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read backup " + backup.objectKey(), e);
        }
        // The bytes restored are the bytes checked: the object did not change since the check.
        stored.check(backup);
    }

    /** One backup of a chain to restore, with the strategy that reads it. */
    public record Step(BackupStrategy strategy, StoredBackup backup) {
        public Step {
            requireNonNull(strategy, "strategy is null");
            requireNonNull(backup, "backup is null");
        }
    }

    /** How long each phase of {@link #restoreChain} took, in milliseconds. */
    public record RestoreTimes(long stopAndEmpty, long restore, long startAndFinish) {}

    /**
     * Restores a checked chain (oldest first; see {@link #check}) into {@code instance}: a logical
     * backup into the running engine (started first if it is not); a physical one into its data directory, emptied with the
     * engine stopped, which is started again and finished ({@link BackupStrategy#afterRestore})
     * afterwards. Running it again after an interruption restores the chain again.
     */
    public RestoreTimes restoreChain(List<Step> chain, InstanceContext context, DatastoreInstance instance) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a backup chain has at least one backup");
        }
        long started = System.nanoTime();
        BackupStrategy last = chain.getLast().strategy();
        boolean physical = last.kind() == BackupStrategy.Kind.PHYSICAL;
        if (physical) {
            instance.stop();
            emptyDirectory(context.dataDir());
        } else {
            // returns at once when the engine runs; starts it after an interrupted attempt stopped it
            instance.start();
        }
        long emptied = System.nanoTime();
        for (Step step : chain) {
            restoreChecked(step.strategy(), context, step.backup());
        }
        long restored = System.nanoTime();
        if (physical) {
            instance.start();
            last.afterRestore(context);
        }
        long done = System.nanoTime();
        return new RestoreTimes((emptied - started) / 1_000_000, (restored - emptied) / 1_000_000,
                (done - restored) / 1_000_000);
    }

    /** Removes everything but hidden entries, which are the driver's markers, not data. */
    static void emptyDirectory(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> !p.getFileName().toString().startsWith("."))) {
            for (Path entry : entries) {
                try (var tree = Files.walk(entry)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not empty " + dir, e);
        }
    }

    private void checksum(StoredBackup backup) {
        try (Measured stored = new Measured(store.open(backup.objectKey()))) {
            stored.transferTo(OutputStream.nullOutputStream());
            stored.check(backup);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read backup " + backup.objectKey(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Counting extends FilterOutputStream {
        private final LongConsumer progress;
        private long count;
        private long reported;

        Counting(OutputStream out, LongConsumer progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            advance(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            advance(len);
        }

        private void advance(long n) {
            count += n;
            if (count - reported >= BUFFER) {
                reported = count;
                progress.accept(count);
            }
        }
    }

    /**
     * Verifies an upload on a thread of its own while it is written: reads the bytes back from the
     * store as they become durable (size, SHA-256, every chunk authenticated), so that after the
     * commit only the last few megabytes are left to check.
     */
    private static final class ReadBack {
        private final Measured stored;
        private final Thread thread;
        private volatile Optional<BackupIntegrityException> refused = Optional.empty();
        private volatile Exception failure;

        ReadBack(InputStream in, SecretKey dataKey) {
            this.stored = new Measured(in);
            this.thread = Thread.ofPlatform().daemon().name("backup-read-back").start(() -> {
                try (stored) {
                    refused = authenticate(stored, dataKey);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
            });
        }

        /** Waits for the read-back of the committed upload to end and checks it against {@code backup}. */
        void check(StoredBackup backup) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while verifying backup " + backup.objectKey(), e);
            }
            if (failure instanceof IOException e) {
                throw new UncheckedIOException("Could not read back backup " + backup.objectKey(), e);
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            stored.check(backup);
            if (refused.isPresent()) {
                throw refused.get();
            }
        }
    }

    /** The stored bytes read so far: their number and SHA-256. */
    private static final class Measured extends DigestInputStream {
        private long count;

        Measured(InputStream in) {
            super(in, sha256());
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        /** Called at the end of the object: it must have the recorded size and checksum. */
        void check(StoredBackup backup) {
            if (count < backup.size()) {
                throw new BackupIntegrityException(BackupIntegrityException.TRUNCATED);
            }
            if (count != backup.size() || !HexFormat.of().formatHex(getMessageDigest().digest()).equals(backup.sha256())) {
                throw new BackupIntegrityException(BackupIntegrityException.CHECKSUM_MISMATCH);
            }
        }
    }

    /** Strategies must not close the pipeline: closing writes the final chunk. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
