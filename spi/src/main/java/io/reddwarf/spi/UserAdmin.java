package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * User accounts of a running instance, without system and control-plane accounts. Called on API
 * request threads, possibly concurrently for one instance; every method talks to the engine and may
 * throw {@link DatastoreException}, and throws {@link InvalidRequestException} for a name, host or
 * database the datastore does not accept.
 */
public interface UserAdmin {
    /** Users sorted by name then host, with the databases they may access. */
    List<User> list();

    /** Creates users and grants them their databases. */
    void create(List<UserSpec> users);

    /** Drops the account if it exists. */
    void drop(String name, String host);

    /**
     * The datastore type, used in the message of the default methods' {@link NotSupportedException}.
     * Drivers that implement every operation need not override it.
     */
    default String datastoreType() {
        return "unknown";
    }

    /**
     * Changes the name, host and password of an existing account as one change: when it fails, the
     * account is left as it was. Privileges follow the account.
     *
     * @throws NotSupportedException if the datastore cannot change accounts
     */
    default void update(String name, String host, UserUpdate update) {
        throw new NotSupportedException("update user", datastoreType());
    }

    /**
     * Sets the passwords of existing accounts; the control plane has checked they exist.
     *
     * @throws NotSupportedException if the datastore cannot change passwords
     */
    default void changePasswords(List<PasswordChange> changes) {
        throw new NotSupportedException("change passwords", datastoreType());
    }

    /**
     * Gives an existing account all privileges on each of the existing {@code databases}.
     *
     * @throws NotSupportedException if the datastore cannot grant access
     */
    default void grant(String name, String host, List<String> databases) {
        throw new NotSupportedException("grant access", datastoreType());
    }

    /**
     * Takes the privileges on {@code database} away from an existing account.
     *
     * @throws NotSupportedException if the datastore cannot revoke access
     */
    default void revoke(String name, String host, String database) {
        throw new NotSupportedException("revoke access", datastoreType());
    }

    /** A user account as the engine reports it. */
    record User(String name, String host, List<String> databases) {
        public User {
            requireNonNull(name, "name is null");
            requireNonNull(host, "host is null");
            databases = List.copyOf(requireNonNull(databases, "databases is null"));
        }
    }

    /** What {@link #update} changes; at least one part is present. */
    record UserUpdate(Optional<String> name, Optional<String> host, Optional<Secret> password) {
        public UserUpdate {
            requireNonNull(name, "name is null");
            requireNonNull(host, "host is null");
            requireNonNull(password, "password is null");
            if (name.isEmpty() && host.isEmpty() && password.isEmpty()) {
                throw new IllegalArgumentException("update changes nothing");
            }
        }
    }

    /** A new password for the account {@code name@host}. */
    record PasswordChange(String name, String host, Secret password) {
        public PasswordChange {
            requireNonNull(name, "name is null");
            requireNonNull(host, "host is null");
            requireNonNull(password, "password is null");
        }
    }
}
