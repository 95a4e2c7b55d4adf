package io.reddwarf.core.configuration;

import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Plugins;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ConfigRenderer}s on the class path by datastore type; a broken one is logged and skipped. */
public final class ConfigRenderers {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigRenderers.class);

    private final Map<String, ConfigRenderer> renderers;

    private ConfigRenderers(Map<String, ConfigRenderer> renderers) {
        this.renderers = Map.copyOf(renderers);
    }

    public static ConfigRenderers load(ClassLoader loader) {
        return of(ServiceLoader.load(ConfigRenderer.class, loader).iterator());
    }

    public static ConfigRenderers of(Iterator<ConfigRenderer> providers) {
        Map<String, ConfigRenderer> found = new LinkedHashMap<>();
        for (ConfigRenderer renderer : Plugins.load(providers,
                e -> LOG.error("Skipping a configuration renderer that cannot be loaded: {}", e.getMessage()))) {
            try {
                if (found.putIfAbsent(renderer.datastoreType(), renderer) != null) {
                    LOG.error("Two configuration renderers claim datastore '{}'; using the first.", renderer.datastoreType());
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Skipping configuration renderer {}: datastoreType() failed: {}", renderer.getClass().getName(),
                        e.getMessage());
            }
        }
        return new ConfigRenderers(found);
    }

    public Optional<ConfigRenderer> forType(String type) {
        return Optional.ofNullable(renderers.get(type));
    }
}
