package io.reddwarf.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.SecretStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A {@link SecretStore} keeping one file {@code <key>.secret} per key in a directory (the instance's
 * configuration directory). Files are created with mode 0600 from the first byte, written to a
 * temporary sibling, synced, then renamed into place, so a reader never sees a partial secret.
 * Safe for concurrent use, also by several stores over the same directory.
 */
public final class FileSecretStore implements SecretStore {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int GENERATED_LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final SecureRandom random = new SecureRandom();

    /** @param dir an existing directory private to the instance */
    public FileSecretStore(Path dir) {
        this.dir = requireNonNull(dir, "dir is null").toAbsolutePath();
    }

    @Override
    public Optional<Secret> get(String key) {
        Path file = file(key);
        try {
            String value = Files.readString(file, UTF_8);
            return value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DatastoreException("Could not read secret '" + key + "'.", e);
        }
    }

    @Override
    public void put(String key, Secret secret) {
        requireNonNull(secret, "secret is null");
        Path target = file(key);
        Path tmp = writeTemporary(target, secret);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new DatastoreException("Could not store secret '" + key + "'.", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public Secret getOrGenerate(String key) {
        Optional<Secret> existing = get(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path target = file(key);
        Secret generated = new Secret(randomValue());
        Path tmp = writeTemporary(target, generated);
        try {
            // A hard link never replaces an existing file: of two concurrent generators exactly one wins.
            Files.createLink(target, tmp);
            syncDirectory();
            return generated;
        } catch (FileAlreadyExistsException e) {
            return get(key).orElseThrow(() -> new DatastoreException("Secret '" + key + "' vanished while being read."));
        } catch (IOException e) {
            throw new DatastoreException("Could not store secret '" + key + "'.", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private Path file(String key) {
        requireNonNull(key, "key is null");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid secret key: " + key);
        }
        return dir.resolve(key + ".secret");
    }

    private Path writeTemporary(Path target, Secret secret) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        try {
            Files.createFile(tmp, mode);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(secret.value().getBytes(UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            return tmp;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new DatastoreException("Could not write secret file in " + dir + ".", e);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private String randomValue() {
        StringBuilder value = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return value.toString();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file holds no more than the real one and is mode 0600.
        }
    }
}
