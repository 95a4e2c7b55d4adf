package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A change of a configuration group: {@code replace} (PUT) makes {@code values} the group's values,
 * otherwise (PATCH) they are merged into the existing ones.
 */
public record ConfigurationUpdate(Optional<String> name, Optional<String> description, Map<String, String> values,
        boolean replace) {
    public ConfigurationUpdate {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        values = Map.copyOf(requireNonNull(values, "values is null"));
    }
}
