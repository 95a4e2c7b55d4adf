package io.reddwarf.core.persistence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's files on disk, each created readable and writable by its owner only (0600, directories
 * 0700) whatever the process's umask, which Java cannot set: the embedded state store is opened as
 * {@code jdbc:h2:owner-only:/…/state/reddwarf}, so the database file, its trace file and temporary
 * files are never readable by other users, not even for a moment.
 */
public final class OwnerOnlyFilePath extends FilePathWrapper {
    static final String SCHEME = "owner-only";
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** H2 creates one per path with this constructor. */
    public OwnerOnlyFilePath() {
    }

    /** Makes the scheme known to H2; repeated calls change nothing. */
    static void register() {
        FilePath.register(new OwnerOnlyFilePath());
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        if (!mode.equals("r")) {
            createIfMissing();
        }
        return super.open(mode);
    }

    @Override
    public OutputStream newOutputStream(boolean append) throws IOException {
        createIfMissing();
        return super.newOutputStream(append);
    }

    @Override
    public boolean createFile() {
        try {
            Files.createFile(path(), FILE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void createDirectory() {
        try {
            Files.createDirectory(path(), DIRECTORY);
        } catch (IOException e) {
            // H2's own attempt accepts an existing directory and reports anything else its way.
            super.createDirectory();
        }
    }

    @Override
    public FilePath createTempFile(String suffix, boolean inTempDir) throws IOException {
        FilePath created = super.createTempFile(suffix, inTempDir);
        Files.setPosixFilePermissions(Path.of(created.unwrap().toString()), FILE_MODE);
        return created;
    }

    private void createIfMissing() throws IOException {
        try {
            Files.createFile(path(), FILE);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            // H2 opens an existing file as it is, and reports a missing directory its own way.
        }
    }

    private Path path() {
        return Path.of(getBase().toString());
    }
}
