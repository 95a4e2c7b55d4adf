package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A version of a datastore that can run on this host.
 *
 * @param name          the version as users name it in the API, e.g. {@code "10.11"}
 * @param engineVersion the exact version the engine reports, e.g. {@code "10.11.19"}
 */
public record DatastoreVersion(String name, String engineVersion) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public DatastoreVersion {
        requireNonNull(name, "name is null");
        requireNonNull(engineVersion, "engineVersion is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid version name: " + name);
        }
    }
}
