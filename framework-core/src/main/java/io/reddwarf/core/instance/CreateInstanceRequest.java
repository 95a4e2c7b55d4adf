package io.reddwarf.core.instance;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.UserSpec;
import java.util.List;
import java.util.Optional;

/**
 * A request to create an instance, already parsed from JSON but not yet validated against the
 * datastore's rules ({@link InstanceService#create} does that).
 *
 * @param datastoreType    empty for the default datastore
 * @param datastoreVersion empty for the datastore's default version
 * @param configurationId  the configuration group the instance starts with, if any
 */
public record CreateInstanceRequest(
        String name,
        String flavorRef,
        int volumeSize,
        Optional<String> datastoreType,
        Optional<String> datastoreVersion,
        List<DatabaseSpec> databases,
        List<UserSpec> users,
        Optional<String> configurationId) {

    /** A request without a configuration group. */
    public CreateInstanceRequest(String name, String flavorRef, int volumeSize, Optional<String> datastoreType,
            Optional<String> datastoreVersion, List<DatabaseSpec> databases, List<UserSpec> users) {
        this(name, flavorRef, volumeSize, datastoreType, datastoreVersion, databases, users, Optional.empty());
    }

    public CreateInstanceRequest {
        requireNonNull(configurationId, "configurationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(flavorRef, "flavorRef is null");
        requireNonNull(datastoreType, "datastoreType is null");
        requireNonNull(datastoreVersion, "datastoreVersion is null");
        databases = List.copyOf(requireNonNull(databases, "databases is null"));
        users = List.copyOf(requireNonNull(users, "users is null"));
    }
}
