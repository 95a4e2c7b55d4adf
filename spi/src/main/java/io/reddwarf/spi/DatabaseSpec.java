package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A database (schema) to create. Character set and collation are optional; the engine default
 * applies when absent. The control plane validates names against the driver's rules before a
 * spec reaches the driver; drivers still quote every identifier.
 */
public record DatabaseSpec(String name, Optional<String> characterSet, Optional<String> collation) {
    public DatabaseSpec {
        requireNonNull(name, "name is null");
        requireNonNull(characterSet, "characterSet is null");
        requireNonNull(collation, "collation is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("database name is empty");
        }
    }

    public static DatabaseSpec named(String name) {
        return new DatabaseSpec(name, Optional.empty(), Optional.empty());
    }
}
