package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MySqlDatastoreTest {
    private final MySqlEngine engine = new MySqlEngine();

    @Test
    void recognisesMySql80() {
        assertThat(engine.parseVersion("/opt/mysql/bin/mysqld  Ver 8.0.33 for Linux on x86_64 (MySQL Community Server - GPL)"))
                .contains(new DatastoreVersion("8.0", "8.0.33"));
    }

    @Test
    void rejectsMariaDbsMysqldAndOtherMySqlVersions() {
        assertThat(engine.parseVersion("mysqld  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)")).isEmpty();
        assertThat(engine.parseVersion("mysqld  Ver 8.0.33-MariaDB")).isEmpty();
        assertThat(engine.parseVersion("mysqld  Ver 8.0.33-25 for Linux on x86_64 (Percona Server (GPL), Release '25')")).isEmpty();
        assertThat(engine.parseVersion("mysqld  Ver 5.7.44 for Linux on x86_64 (MySQL Community Server (GPL))")).isEmpty();
        assertThat(engine.parseVersion("mysqld  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)")).isEmpty();
    }

    @Test
    void hasNoVersionsWithoutMysqld(@TempDir Path empty) {
        assertThat(new MySqlDatastore(Binaries.in(List.of(empty))).versions()).isEmpty();
    }

    @Test
    void findsTheServerUnpackedByTheBuild() {
        assertThat(new MySqlDatastore().versions()).extracting(DatastoreVersion::name).containsExactly("8.0");
    }

    @Test
    void rejectsUserNamesLongerThan32Characters() {
        MySqlDatastore datastore = new MySqlDatastore(Binaries.in(List.of()));
        String name = "u".repeat(33);

        datastore.validate(new PrepareRequest(List.of(), List.of(new UserSpec("u".repeat(32), "%", new Secret("pw"), List.of()))));
        assertThatThrownBy(() -> datastore.validate(new PrepareRequest(List.of(), List.of(new UserSpec(name, "%", new Secret("pw"), List.of())))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("User name '" + name + "' is too long: use at most 32 characters.");
    }
}
