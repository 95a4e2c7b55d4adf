package io.reddwarf.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DriverRegistryTest {

    /** A driver with a fixed type and version list; ServiceLoader needs the no-argument subclasses below. */
    abstract static class FixedDriver implements Datastore {
        private final String type;
        private final java.util.function.Supplier<List<DatastoreVersion>> versions;

        FixedDriver(String type, java.util.function.Supplier<List<DatastoreVersion>> versions) {
            this.type = type;
            this.versions = versions;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public List<DatastoreVersion> versions() {
            return versions.get();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class GoodDriver extends FixedDriver {
        public GoodDriver() {
            super("good", () -> List.of(new DatastoreVersion("1.0", "1.0.7")));
        }
    }

    public static final class SecondGoodDriver extends FixedDriver {
        public SecondGoodDriver() {
            super("good", List::of);
        }
    }

    public static final class NoEngineDriver extends FixedDriver {
        public NoEngineDriver() {
            super("noengine", () -> {
                throw new IllegalStateException("engine binary vanished");
            });
        }
    }

    @Test
    void brokenProviderIsSkippedAndTheRestLoad(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(Datastore.class.getName()), String.join("\n",
                "com.example.DoesNotExist",
                GoodDriver.class.getName(),
                NoEngineDriver.class.getName(),
                SecondGoodDriver.class.getName()) + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            DriverRegistry registry = DriverRegistry.load(loader);

            assertThat(registry.types()).containsExactly("good", "noengine");
            assertThat(registry.driver("good")).get().isInstanceOf(GoodDriver.class);
            assertThat(registry.versions("good")).containsExactly(new DatastoreVersion("1.0", "1.0.7"));
            assertThat(registry.versions("noengine")).isEmpty();
            assertThat(registry.problems()).containsOnlyKeys("good");
            assertThat(registry.problems().get("good")).contains(GoodDriver.class.getName())
                    .contains(SecondGoodDriver.class.getName());
        }
    }
}
