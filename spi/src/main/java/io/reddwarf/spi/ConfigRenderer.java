package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders, validates and applies an engine's configuration; listed in
 * {@code META-INF/services/io.reddwarf.spi.ConfigRenderer} by drivers that claim
 * {@link Capability#CONFIGURATION}. Implementations are stateless, have a public no-argument
 * constructor and are called from many threads; the control plane serialises the calls that touch
 * one instance ({@link #write}, {@link #restorePrevious}, {@link #applyLive}).
 *
 * <p>Values are the user's overrides by parameter name, as strings: integers in decimal, booleans
 * as {@code true}/{@code false} (or the engine's own spellings), strings as they are. The rendered
 * file never contains a value that {@link #validate} rejects.
 */
public interface ConfigRenderer {
    /** The datastore type this renderer serves, e.g. {@code "mariadb"}. */
    String datastoreType();

    /**
     * The parameters users may set on {@code version}, sorted by name. Called on request threads;
     * answers from data shipped with the driver, never from an engine.
     */
    List<Parameter> rules(DatastoreVersion version);

    /**
     * The reasons {@code values} are unacceptable for {@code version}, each a complete sentence
     * for the user; empty when all are valid. Checks names, types, bounds and characters that could
     * escape a configuration line. Never throws for bad input.
     */
    List<String> validate(DatastoreVersion version, Map<String, String> values);

    /**
     * The values the control plane derives from the flavor (buffer sizes, connection limits) for
     * parameters users may also set; user values replace them. Called on request threads.
     */
    Map<String, String> defaults(DatastoreVersion version, Flavor flavor);

    /**
     * The complete configuration file of the instance: its locations, the base settings derived
     * from version and flavor, and {@code values} on top. Does not touch the disk.
     *
     * @throws InvalidRequestException if a value is invalid ({@link #validate} is not empty)
     */
    String render(InstanceContext context, Map<String, String> values);

    /**
     * Renders {@code values} into the instance's configuration file, replacing it atomically. The
     * file the engine last started with is kept until the engine starts again, so that
     * {@link #restorePrevious} can bring it back. Takes effect at the next start; called by workflow
     * workers before a restart and for every change of the instance's values.
     *
     * @throws InvalidRequestException if a value is invalid
     * @throws DatastoreException      if the file cannot be written
     */
    void write(InstanceContext context, Map<String, String> values);

    /**
     * Puts back the configuration the engine last started with, after the engine failed to start
     * with a newer one. Returns the values of the configuration put back, or empty when the current
     * file is the one the engine last started with.
     */
    Optional<Map<String, String>> restorePrevious(InstanceContext context);

    /**
     * Applies {@code values} of dynamic parameters (those not {@link Parameter#restartRequired()})
     * to the running engine, e.g. with {@code SET GLOBAL}. Called by workflow workers after
     * {@link #write}; values of restart-required parameters must not be passed.
     *
     * @throws InvalidRequestException if a value is invalid or a parameter needs a restart
     * @throws DatastoreException      if the engine refuses a value or cannot be reached
     */
    void applyLive(InstanceContext context, Map<String, String> values);

    /** The value types a parameter may have, named in the API as Trove does ({@code "integer"}, …). */
    enum Type {
        STRING, INTEGER, BOOLEAN, FLOAT;

        /** The lowercase name Trove shows. */
        public String troveName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One settable parameter. Integer bounds are exact, also beyond {@code long}: unsigned 64-bit
     * limits such as {@code 18446744073709551615} are common.
     */
    record Parameter(String name, Type type, Optional<BigInteger> min, Optional<BigInteger> max,
            boolean restartRequired) {
        public Parameter {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(min, "min is null");
            requireNonNull(max, "max is null");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
            if (min.isPresent() && max.isPresent() && min.get().compareTo(max.get()) > 0) {
                throw new IllegalArgumentException("min " + min.get() + " > max " + max.get() + " for " + name);
            }
        }
    }
}
