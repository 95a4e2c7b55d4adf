package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MariaDbDatastoreTest {
    private final MariaDbDatastore datastore = new MariaDbDatastore();

    @Test
    void reportsTheInstalledVersion() {
        DatastoreVersion version = MariaDbFixture.requireServer(datastore);

        assertThat(version.engineVersion()).matches("\\d+\\.\\d+\\.\\d+").startsWith(version.name() + ".");
        assertThat(datastore.versions()).isSameAs(datastore.versions());
    }

    @Test
    void parsesServerVersionOutput() {
        assertThat(new MariaDbEngine().parseVersion(
                "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)"))
                .contains(new DatastoreVersion("10.11", "10.11.19"));
        assertThat(new MariaDbEngine().parseVersion("garbage")).isEmpty();
    }

    @Test
    void hasNoVersionsWithoutTheServerBinary(@TempDir Path empty) {
        MariaDbDatastore without = new MariaDbDatastore(new MariaDbEngine(), Binaries.in(List.of(empty)));

        LocalInstanceContext context = MariaDbFixture.newContext(new DatastoreVersion("10.11", "10.11.19"));
        try {
            assertThat(without.versions()).isEmpty();
            assertThatThrownBy(() -> without.open(context))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("version 10.11 of datastore mariadb is not installed on this host");
        } finally {
            MySqlFamilyInstance.deleteTree(context.homeDir());
        }
    }

    @Test
    void validateRejectsUnacceptableNames() {
        datastore.validate(new PrepareRequest(List.of(DatabaseSpec.named("shop")),
                List.of(new UserSpec("alice", "%", new Secret("pw"), List.of("shop")))));

        assertThatThrownBy(() -> datastore.validate(new PrepareRequest(List.of(DatabaseSpec.named("performance_schema")), List.of())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name 'performance_schema' is reserved.");
        assertThatThrownBy(() -> datastore.validate(new PrepareRequest(List.of(),
                List.of(new UserSpec("reddwarf_admin", "%", new Secret("pw"), List.of())))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("User name 'reddwarf_admin' is reserved.");
    }
}
