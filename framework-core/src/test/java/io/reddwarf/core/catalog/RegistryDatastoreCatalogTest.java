package io.reddwarf.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class RegistryDatastoreCatalogTest {
    private final RegistryDatastoreCatalog catalog = new RegistryDatastoreCatalog(DriverRegistry.of(List.<Datastore>of(
            new Driver("good", List.of(new DatastoreVersion("1.0", "1.0.7"))), new Driver("noengine", List.of())).iterator()));

    private record Driver(String type, List<DatastoreVersion> versions) implements Datastore {
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
    void listsOnlyDatastoresWithAnEngine() {
        assertThat(catalog.list()).extracting(DatastoreCatalog.DatastoreInfo::name).containsExactly("good");
    }

    @Test
    void aDatastoreWithoutItsEngineIsNotFoundAndTheMessageSaysWhy() {
        assertThatThrownBy(() -> catalog.get("noengine"))
                .isInstanceOf(ReddwarfException.class)
                .hasMessage("Datastore 'noengine' cannot be found: its driver is installed but its engine is not.");
    }

    @Test
    void anUnknownDatastoreIsNotFound() {
        assertThatThrownBy(() -> catalog.get("nosuch"))
                .isInstanceOf(ReddwarfException.class)
                .hasMessage("Datastore 'nosuch' cannot be found.");
    }
}
