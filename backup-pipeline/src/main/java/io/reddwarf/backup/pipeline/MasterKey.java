package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's backup master key (AES-256). It never encrypts data: it wraps the random data key of
 * each backup (AES-GCM, random nonce), and its id, the first 8 bytes of the SHA-256 of the key in
 * hex, is stored with every backup so that a backup names the key it needs.
 */
public final class MasterKey implements DataKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;

    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] material) {
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException("a master key has " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(material, "AES");
        try {
            this.id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(material), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key from its 32 bytes. */
    public static MasterKey of(byte[] material) {
        return new MasterKey(requireNonNull(material, "material is null").clone());
    }

    /** A new random key, for tests. */
    public static MasterKey random() {
        byte[] material = new byte[KEY_BYTES];
        RANDOM.nextBytes(material);
        return new MasterKey(material);
    }

    /**
     * The key stored in {@code file} (base64), created there with mode 0600 if the file does not
     * exist. Concurrent first calls agree on one key.
     */
    public static MasterKey loadOrCreate(Path file) {
        requireNonNull(file, "file is null");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    byte[] material = new byte[KEY_BYTES];
                    RANDOM.nextBytes(material);
                    Files.writeString(tmp, Base64.getEncoder().encodeToString(material) + "\n");
                    try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException lostTheRace) {
                    // Another caller created it first; its key is the one.
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return new MasterKey(Base64.getDecoder().decode(Files.readString(file).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or create the backup master key " + file, e);
        }
    }

    /** The key's id, stored with each backup. */
    public String id() {
        return id;
    }

    /** A new random AES-256 data key. */
    public static SecretKey newDataKey() {
        byte[] material = new byte[KEY_BYTES];
        RANDOM.nextBytes(material);
        return new SecretKeySpec(material, "AES");
    }

    @Override
    public IssuedKey issue() {
        SecretKey dataKey = newDataKey();
        return new IssuedKey(dataKey, id, wrap(dataKey));
    }

    /** {@code dataKey} encrypted under this key, base64. */
    public String wrap(SecretKey dataKey) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(dataKey.getEncoded());
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not wrap a data key", e);
        }
    }

    /**
     * The data key inside {@code wrapped}.
     *
     * @throws BackupIntegrityException with {@link BackupIntegrityException#WRONG_KEY} if it was
     *                                  wrapped under another key or altered
     */
    @Override
    public SecretKey unwrap(String keyId, String wrapped) {
        if (!id.equals(keyId)) {
            throw new BackupIntegrityException(BackupIntegrityException.WRONG_KEY);
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(wrapped);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new SecretKeySpec(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), "AES");
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new BackupIntegrityException(BackupIntegrityException.WRONG_KEY, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not unwrap a data key", e);
        }
    }
}
