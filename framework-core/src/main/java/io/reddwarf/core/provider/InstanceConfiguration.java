package io.reddwarf.core.provider;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.InstanceContext;
import java.util.Map;
import java.util.Optional;

/**
 * What the configuration service does to an instance's configuration: the renderer's operations
 * that touch the instance's files and engine, run where the instance's driver runs (in this
 * process, or as commands to the agent of its host).
 */
public interface InstanceConfiguration {
    /** Writes the configuration file for {@code values}, keeping the previous one. */
    void write(Map<String, String> values);

    /**
     * Writes the configuration file an instance about to be prepared starts with: it is in place
     * when the preparation starts. Where the driver runs elsewhere it may travel with the
     * preparation instead of ahead of it, which spares a new instance one round trip to its host.
     */
    default void writeForPreparation(Map<String, String> values) {
        write(values);
    }

    /** Puts back the previous configuration file; the values it holds, if there was one. */
    Optional<Map<String, String>> restorePrevious();

    /** Sets {@code values} in the running engine. */
    void applyLive(Map<String, String> values);

    /** The renderer itself, on the instance's context in this process. */
    static InstanceConfiguration inProcess(ConfigRenderer renderer, InstanceContext context) {
        requireNonNull(renderer, "renderer is null");
        requireNonNull(context, "context is null");
        return new InstanceConfiguration() {
            @Override
            public void write(Map<String, String> values) {
                renderer.write(context, values);
            }

            @Override
            public Optional<Map<String, String>> restorePrevious() {
                return renderer.restorePrevious(context);
            }

            @Override
            public void applyLive(Map<String, String> values) {
                renderer.applyLive(context, values);
            }
        };
    }
}
