package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;
import javax.crypto.SecretKey;

/**
 * Where the pipeline gets the data key of each backup (envelope encryption): a fresh key with its
 * wrapped form for a new backup, and the key back from its wrapped form for a check or a restore.
 * The control plane's {@link MasterKey} is one; an agent, which never holds the master key, gets
 * {@link #given} the keys of the one command it runs.
 */
public interface DataKeys {

    /** A new data key for one backup, with the id of the key that wraps it and its wrapped form. */
    IssuedKey issue();

    /**
     * The data key wrapped in {@code wrappedKey} under key {@code keyId}.
     *
     * @throws BackupIntegrityException with {@link BackupIntegrityException#WRONG_KEY} if it is not
     *                                  a key these keys can open
     */
    SecretKey unwrap(String keyId, String wrappedKey);

    /** A data key in the clear and the form stored with its backup. */
    record IssuedKey(SecretKey key, String keyId, String wrappedKey) {
        public IssuedKey {
            requireNonNull(key, "key is null");
            requireNonNull(keyId, "keyId is null");
            requireNonNull(wrappedKey, "wrappedKey is null");
        }

        @Override
        public String toString() {
            return "IssuedKey[keyId=" + keyId + "]";
        }
    }

    /**
     * Exactly the keys in {@code keys}: {@link #issue()} hands out the first (for the one backup a
     * command takes), {@link #unwrap} finds a key by its wrapped form.
     */
    static DataKeys given(List<IssuedKey> keys) {
        List<IssuedKey> copy = List.copyOf(keys);
        return new DataKeys() {
            @Override
            public IssuedKey issue() {
                if (copy.isEmpty()) {
                    throw new IllegalStateException("no data key was given for a new backup");
                }
                return copy.getFirst();
            }

            @Override
            public SecretKey unwrap(String keyId, String wrappedKey) {
                return copy.stream().filter(k -> k.keyId().equals(keyId) && k.wrappedKey().equals(wrappedKey))
                        .map(IssuedKey::key).findFirst()
                        .orElseThrow(() -> new BackupIntegrityException(BackupIntegrityException.WRONG_KEY));
            }
        };
    }
}
