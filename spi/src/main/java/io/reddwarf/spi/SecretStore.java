package io.reddwarf.spi;

import java.util.Optional;

/**
 * An instance's secrets, kept in files readable by the control plane's user only (mode 0600).
 * Keys are short lowercase names such as {@code "admin-password"}.
 */
public interface SecretStore {
    /** The stored secret, if any. */
    Optional<Secret> get(String key);

    /** Stores {@code secret} under {@code key}, replacing any previous value, durably. */
    void put(String key, Secret secret);

    /** The stored secret, or a new random one (24+ characters, letters and digits) stored first. */
    Secret getOrGenerate(String key);
}
