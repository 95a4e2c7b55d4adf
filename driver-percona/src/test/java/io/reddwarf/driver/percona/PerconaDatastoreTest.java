package io.reddwarf.driver.percona;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.DatastoreVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PerconaDatastoreTest {
    @TempDir
    Path bin;

    @Test
    void offersPerconaServer80() throws IOException {
        fakeMysqld("mysqld  Ver 8.0.33-25 for Linux on x86_64 (Percona Server (GPL), Release '25', Revision '60c9e2c5')");

        assertThat(new PerconaDatastore(bin).versions()).containsExactly(new DatastoreVersion("8.0", "8.0.33"));
    }

    @Test
    void doesNotOfferMySqlCommunityServerOrMariaDb() throws IOException {
        fakeMysqld("mysqld  Ver 8.0.33 for Linux on x86_64 (MySQL Community Server - GPL)");
        assertThat(new PerconaDatastore(bin).versions()).isEmpty();

        fakeMysqld("mysqld  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)");
        assertThat(new PerconaDatastore(bin).versions()).isEmpty();
    }

    @Test
    void doesNotOfferPerconaServer57() throws IOException {
        fakeMysqld("mysqld  Ver 5.7.44-48 for Linux on x86_64 (Percona Server (GPL), Release 48, Revision 497f936a373)");

        assertThat(new PerconaDatastore(bin).versions()).isEmpty();
    }

    private void fakeMysqld(String versionLine) throws IOException {
        Path mysqld = bin.resolve("mysqld");
        Files.deleteIfExists(mysqld);
        Files.writeString(mysqld, "#!/bin/sh\necho \"" + versionLine.replace("'", "'") + "\"\n");
        Files.setPosixFilePermissions(mysqld, PosixFilePermissions.fromString("rwx------"));
    }
}
