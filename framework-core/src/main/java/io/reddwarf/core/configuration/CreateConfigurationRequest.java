package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A request to create a configuration group, parsed but not yet validated.
 *
 * @param values parameter values as text (integers in decimal, booleans {@code true}/{@code false})
 */
public record CreateConfigurationRequest(
        String name,
        Optional<String> description,
        Optional<String> datastoreType,
        Optional<String> datastoreVersion,
        Map<String, String> values) {

    public CreateConfigurationRequest {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(datastoreType, "datastoreType is null");
        requireNonNull(datastoreVersion, "datastoreVersion is null");
        values = Map.copyOf(requireNonNull(values, "values is null"));
    }
}
