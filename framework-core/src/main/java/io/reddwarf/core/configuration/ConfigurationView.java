package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A configuration group as the API shows it. Values are typed by the parameter's rule:
 * {@link java.math.BigInteger} for integers, {@link java.math.BigDecimal} for floats,
 * {@link Boolean} and {@link String}.
 */
public record ConfigurationView(
        String id,
        String projectId,
        String name,
        Optional<String> description,
        String datastoreType,
        String datastoreVersion,
        String datastoreVersionId,
        Map<String, Object> values,
        int instanceCount,
        Instant created,
        Instant updated) {

    public ConfigurationView {
        requireNonNull(id, "id is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(datastoreType, "datastoreType is null");
        requireNonNull(datastoreVersion, "datastoreVersion is null");
        requireNonNull(datastoreVersionId, "datastoreVersionId is null");
        values = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(values, "values is null")));
        requireNonNull(created, "created is null");
        requireNonNull(updated, "updated is null");
    }
}
