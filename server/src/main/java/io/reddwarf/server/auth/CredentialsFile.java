package io.reddwarf.server.auth;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's credentials: {@code auth.properties} as last read, read again when a token
 * or a project id it does not know is asked for and the file has been replaced since (a
 * {@code project create} while the server runs). A known token costs nothing more; an unknown one
 * costs one {@code stat} of the file, and each version of the file is parsed once. A version that
 * cannot be read (a bad hand edit) is reported once and the credentials read before stay in force.
 */
public final class CredentialsFile implements TokenAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialsFile.class);

    private final Path file;
    private volatile Snapshot current;

    private CredentialsFile(Path file, Snapshot current) {
        this.file = file;
        this.current = current;
    }

    /** What was read, and the version of the file it was read from. */
    private record Snapshot(LocalCredentials credentials, Optional<Version> version) {
    }

    /** Tells two versions of the file apart: each write renames a new file (a new inode) over it. */
    private record Version(Object fileKey, FileTime modified, long size) {
    }

    /** Reads {@code home/auth.properties}, creating it with fresh credentials when it does not exist. */
    public static CredentialsFile open(Path home) {
        requireNonNull(home, "home is null");
        Path file = home.resolve(LocalCredentials.FILE_NAME);
        Optional<Version> version = version(file);
        return new CredentialsFile(file, new Snapshot(LocalCredentials.loadOrCreate(home), version));
    }

    /** The credentials as last read. */
    public LocalCredentials current() {
        return current.credentials();
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        Optional<Principal> principal = current().authenticate(token);
        if (principal.isPresent() || token == null || token.isEmpty()) {
            return principal;
        }
        return refreshed().authenticate(token);
    }

    @Override
    public boolean projectExists(String projectId) {
        return current().projectExists(projectId) || refreshed().projectExists(projectId);
    }

    private LocalCredentials refreshed() {
        Optional<Version> seen = version(file);
        Snapshot snapshot = current;
        if (seen.isEmpty() || seen.equals(snapshot.version())) {
            return snapshot.credentials();
        }
        synchronized (this) {
            snapshot = current;
            if (seen.equals(snapshot.version())) {
                return snapshot.credentials();
            }
            try {
                LocalCredentials read = LocalCredentials.load(file);
                current = new Snapshot(read, seen);
                LOG.info("Read {} again: {} projects", file, read.projects().size());
                return read;
            } catch (IOException | RuntimeException e) {
                current = new Snapshot(snapshot.credentials(), seen);
                LOG.warn("Could not read {} again, keeping the credentials read before: {}", file, e.getMessage());
                return snapshot.credentials();
            }
        }
    }

    private static Optional<Version> version(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Version(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Cannot look at {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
