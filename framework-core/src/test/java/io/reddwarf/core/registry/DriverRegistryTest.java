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

    public static final class GoodDriver implements Datastore {
        @Override
        public String type() {
            return "good";
        }

        @Override
        public List<DatastoreVersion> versions() {
            return List.of(new DatastoreVersion("1.0", "1.0.7"));
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

    public static final class SecondGoodDriver implements Datastore {
        @Override
        public String type() {
            return "good";
        }

        @Override
        public List<DatastoreVersion> versions() {
            return List.of();
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

    public static final class NoEngineDriver implements Datastore {
        @Override
        public String type() {
            return "noengine";
        }

        @Override
        public List<DatastoreVersion> versions() {
            throw new IllegalStateException("engine binary vanished");
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
