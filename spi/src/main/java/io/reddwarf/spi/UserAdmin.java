package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** User accounts of a running instance, without system and control-plane accounts. */
public interface UserAdmin {
    /** Users sorted by name then host, with the databases they may access. */
    List<User> list();

    /** Creates users and grants them their databases. */
    void create(List<UserSpec> users);

    /** Drops the account if it exists. */
    void drop(String name, String host);

    /** A user account as the engine reports it. */
    record User(String name, String host, List<String> databases) {
        public User {
            requireNonNull(name, "name is null");
            requireNonNull(host, "host is null");
            databases = List.copyOf(requireNonNull(databases, "databases is null"));
        }
    }
}
