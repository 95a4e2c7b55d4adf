package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.ObjectStore;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Objects as files below a directory. An upload writes to a temporary file in {@code .partial/},
 * forcing it to disk every 32 MiB as it goes, forces the rest and renames it into place, then forces the directory; an upload that is not
 * committed deletes its file, and temporary files left by a crash are deleted when the store opens
 * (by the process that writes to it: a process that only reads sizes and deletes objects, such as
 * a control plane whose agent takes the backups, opens it without touching them).
 * On a POSIX file system the store creates its directories 0700 and its files 0600, whatever the
 * process's umask.
 */
public final class FileSystemObjectStore implements ObjectStore {
    private static final String PARTIAL = ".partial";
    private static final long FORCE_EVERY = 32L << 20;
    private final Path root;
    private final FileAttribute<?>[] fileMode;
    private final FileAttribute<?>[] directoryMode;

    public FileSystemObjectStore(Path root) {
        this(root, true);
    }

    /**
     * @param writer whether this process writes to the store: only a writer deletes the temporary
     *               files crashed uploads left (another process's uploads may be under way)
     */
    public FileSystemObjectStore(Path root, boolean writer) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
        boolean posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.fileMode = posix ? mode("rw-------") : new FileAttribute<?>[0];
        this.directoryMode = posix ? mode("rwx------") : new FileAttribute<?>[0];
        try {
            Files.createDirectories(this.root.resolve(PARTIAL), directoryMode);
            if (!writer) {
                return;
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(this.root.resolve(PARTIAL))) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the backup store " + root, e);
        }
    }

    private static FileAttribute<?>[] mode(String permissions) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }

    /** The directory the objects live in. */
    public Path root() {
        return root;
    }

    /** How many temporary files of uploads exist (uploads in progress or not yet cleaned up). */
    public long partialCount() {
        try (var files = Files.list(root.resolve(PARTIAL))) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Upload create(String key) {
        Path target = path(key);
        Path tmp = root.resolve(PARTIAL).resolve(key.replace('/', '_') + "." + UUID.randomUUID());
        try {
            FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    fileMode);
            return new FileUpload(target, tmp, channel, directoryMode);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create backup object " + key, e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchElementException("No backup object " + key + ".");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read backup object " + key, e);
        }
    }

    @Override
    public OptionalLong size(String key) {
        try {
            return OptionalLong.of(Files.size(path(key)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read backup object " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete backup object " + key, e);
        }
    }

    private Path path(String key) {
        ObjectStore.checkKey(key);
        if (key.startsWith(PARTIAL)) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        return root.resolve(key);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be opened; the rename is then as durable as it gets.
        }
    }

    private static final class FileUpload implements Upload {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final FileAttribute<?>[] directoryMode;
        private final OutputStream stream;
        private final Object progress = new Object();
        private long written;
        private long durable;
        private boolean committed;
        private boolean closed;

        FileUpload(Path target, Path tmp, FileChannel channel, FileAttribute<?>[] directoryMode) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
            this.directoryMode = directoryMode;
            this.stream = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    written += len;
                    if (written - durable() >= FORCE_EVERY) {
                        // Writes back as the upload goes, so the commit's force has only the tail left.
                        channel.force(false);
                        madeDurable(written, false);
                    }
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() {
            try {
                channel.force(true);
                channel.close();
                Files.createDirectories(target.getParent(), directoryMode);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                forceDirectory(target.getParent());
                madeDurable(written, true);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not store backup object " + target.getFileName(), e);
            }
        }

        @Override
        public Optional<InputStream> readBack() {
            try {
                return Optional.of(new BehindReader(FileChannel.open(tmp, StandardOpenOption.READ)));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read back backup object " + target.getFileName(), e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The file is removed below anyway.
            }
            boolean keep;
            synchronized (progress) {
                closed = true;
                keep = committed;
                progress.notifyAll();
            }
            if (!keep) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Removed when the store opens next.
                }
            }
        }

        private long durable() {
            synchronized (progress) {
                return durable;
            }
        }

        private void madeDurable(long length, boolean last) {
            synchronized (progress) {
                durable = length;
                committed |= last;
                progress.notifyAll();
            }
        }

        /** Reads the durable bytes of the upload through a channel of its own, waiting for more. */
        private final class BehindReader extends BlockStreams.Input {
            private final FileChannel reader;
            private long position;

            BehindReader(FileChannel reader) {
                this.reader = reader;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                long available;
                synchronized (progress) {
                    while ((available = durable - position) == 0 && !committed && !closed) {
                        try {
                            progress.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("Interrupted while reading back an upload");
                        }
                    }
                    if (available == 0 && committed) {
                        return -1;
                    }
                    if (available == 0) {
                        throw new IOException("The upload of " + target.getFileName() + " was abandoned.");
                    }
                }
                int n = reader.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available)), position);
                if (n < 0) {
                    throw new EOFException("The stored object ended before its durable length.");
                }
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        }
    }
}
