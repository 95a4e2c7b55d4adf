package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders and validates an engine's configuration, listed in
 * {@code META-INF/services/io.reddwarf.spi.ConfigRenderer}.
 */
public interface ConfigRenderer {
    /** The datastore type this renderer serves. */
    String datastoreType();

    /** The parameters users may set on this version, with their rules. */
    List<Parameter> rules(DatastoreVersion version);

    /** The reasons {@code values} are unacceptable for this version; empty when all are valid. */
    List<String> validate(DatastoreVersion version, Map<String, String> values);

    /** The engine's configuration file for this flavor with {@code values} applied. */
    String render(DatastoreVersion version, Flavor flavor, Map<String, String> values);

    /** Applies dynamic {@code values} to the running engine without a restart. */
    void applyLive(InstanceContext context, Map<String, String> values);

    /** The value types a parameter may have. */
    enum Type { STRING, INTEGER, BOOLEAN, FLOAT }

    /**
     * One settable parameter. Integer bounds are decimal strings so that unsigned 64-bit limits
     * such as {@code 18446744073709551615} are exact.
     */
    record Parameter(String name, Type type, Optional<String> min, Optional<String> max, boolean restartRequired) {
        public Parameter {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(min, "min is null");
            requireNonNull(max, "max is null");
        }
    }
}
