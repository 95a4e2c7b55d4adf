package io.reddwarf.backup;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Objects as files below a directory. An upload writes to a temporary file in {@code .partial/},
 * forces it to disk and renames it into place, then forces the directory; an upload that is not
 * committed deletes its file, and temporary files left by a crash are deleted when the store opens.
 */
public final class FileSystemObjectStore implements ObjectStore {
    private static final String PARTIAL = ".partial";
    private final Path root;

    public FileSystemObjectStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
        try {
            Files.createDirectories(this.root.resolve(PARTIAL));
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(this.root.resolve(PARTIAL))) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the backup store " + root, e);
        }
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
            FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new FileUpload(target, tmp, channel);
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
        private final OutputStream stream;
        private boolean committed;

        FileUpload(Path target, Path tmp, FileChannel channel) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
            this.stream = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
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
                Files.createDirectories(target.getParent());
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                forceDirectory(target.getParent());
                committed = true;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not store backup object " + target.getFileName(), e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The file is removed below anyway.
            }
            if (!committed) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Removed when the store opens next.
                }
            }
        }
    }
}
