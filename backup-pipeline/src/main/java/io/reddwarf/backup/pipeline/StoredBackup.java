package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.ObjectStore;

/**
 * What the pipeline stored for one backup.
 *
 * @param objectKey  the object in the store
 * @param size       bytes stored (compressed, encrypted)
 * @param rawSize    bytes the tool produced
 * @param sha256     hex SHA-256 of the stored bytes
 * @param keyId      the id of the master key that wraps the data key
 * @param wrappedKey the backup's data key wrapped by that master key
 * @param metadata   what the strategy reported
 */
public record StoredBackup(String objectKey, long size, long rawSize, String sha256, String keyId, String wrappedKey,
        BackupMetadata metadata) {
    public StoredBackup {
        ObjectStore.checkKey(objectKey);
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(wrappedKey, "wrappedKey is null");
        requireNonNull(metadata, "metadata is null");
        if (size < 0 || rawSize < 0) {
            throw new IllegalArgumentException("sizes are not negative");
        }
    }
}
