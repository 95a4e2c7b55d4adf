package io.reddwarf.core.registry;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Plugins;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datastore drivers found on the class path. Like JDBC's DriverManager, a provider that cannot
 * be loaded is logged in one line and skipped; it never stops start-up. When two drivers claim the
 * same type, the first one found wins and the other is reported.
 */
public final class DriverRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegistry.class);

    private final Map<String, Datastore> drivers;
    private final Map<String, List<DatastoreVersion>> versions;
    private final Map<String, String> problems;

    private DriverRegistry(Map<String, Datastore> drivers, Map<String, String> problems) {
        this.drivers = Collections.unmodifiableMap(drivers);
        this.problems = Collections.unmodifiableMap(problems);
        Map<String, List<DatastoreVersion>> found = new LinkedHashMap<>();
        drivers.forEach((type, driver) -> found.put(type, discover(driver)));
        this.versions = Collections.unmodifiableMap(found);
    }

    /** Loads every {@link Datastore} visible to {@code loader}. */
    public static DriverRegistry load(ClassLoader loader) {
        return of(ServiceLoader.load(Datastore.class, loader).iterator());
    }

    /** A registry over the given providers (tests and embedders). */
    public static DriverRegistry of(Iterator<Datastore> providers) {
        Map<String, Datastore> drivers = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Datastore driver : Plugins.load(providers,
                e -> LOG.error("Skipping a datastore driver that cannot be loaded: {}", e.getMessage()))) {
            String type;
            try {
                type = requireNonNull(driver.type(), "type() returned null");
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Skipping datastore driver {}: type() failed: {}", driver.getClass().getName(), e.getMessage());
                continue;
            }
            Datastore first = drivers.putIfAbsent(type, driver);
            if (first != null) {
                String problem = "Datastore type '" + type + "' is claimed by both " + first.getClass().getName()
                        + " and " + driver.getClass().getName() + "; using the first.";
                LOG.error(problem);
                problems.put(type, problem);
            } else {
                LOG.info("Loaded datastore driver '{}' ({})", type, driver.getClass().getName());
            }
        }
        return new DriverRegistry(drivers, problems);
    }

    private static List<DatastoreVersion> discover(Datastore driver) {
        try {
            List<DatastoreVersion> found = List.copyOf(driver.versions());
            if (found.isEmpty()) {
                LOG.warn("Datastore '{}' has no engine installed on this host; it is not offered.", driver.type());
            }
            return found;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Datastore '{}' could not list its versions: {}", driver.type(), e.getMessage());
            return List.of();
        }
    }

    /** The driver for a type, whether or not its engine is installed. */
    public Optional<Datastore> driver(String type) {
        return Optional.ofNullable(drivers.get(type));
    }

    /** Types of all loaded drivers in load order. */
    public List<String> types() {
        return List.copyOf(drivers.keySet());
    }

    /** The versions a driver discovered at start-up; empty when its engine is missing. */
    public List<DatastoreVersion> versions(String type) {
        return versions.getOrDefault(type, List.of());
    }

    /** Problems found while loading (e.g. duplicate types), by type. */
    public Map<String, String> problems() {
        return problems;
    }
}
