package io.reddwarf.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LocalInstanceContextTest {
    @TempDir
    Path root;

    @Test
    void createMakesPrivateDirectoriesAndWiresServicesOnce() throws IOException {
        Path home = root.resolve("instances/i-1");
        LocalInstanceContext context = LocalInstanceContext.create("i-1", new DatastoreVersion("10.11", "10.11.19"),
                new Flavor("1", "small", 1024, 1, 5), home, root.resolve("templates/mariadb-10.11"), "127.0.0.1", 35000);

        assertThat(context.dataDir()).isEqualTo(home.resolve("data"));
        assertThat(context.confDir()).isEqualTo(home.resolve("conf"));
        assertThat(context.logDir()).isEqualTo(home.resolve("log"));
        assertThat(context.runDir()).isEqualTo(home.resolve("run"));
        for (Path dir : new Path[] {home, context.dataDir(), context.confDir(), context.logDir(), context.runDir()}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(dir.toString())
                    .isEqualTo("rwx------");
        }
        assertThat(context.templateDir()).isDirectory();
        assertThat(context.processes()).isSameAs(context.processes()).isInstanceOf(LocalProcessSupervisor.class);
        assertThat(context.secrets()).isSameAs(context.secrets()).isInstanceOf(FileSecretStore.class);

        context.secrets().put("k", new Secret("v"));
        assertThat(context.confDir().resolve("k.secret")).exists();
    }

    @Test
    void createIsRepeatable() {
        Path home = root.resolve("i-2");
        DatastoreVersion version = new DatastoreVersion("10.11", "10.11.19");
        Flavor flavor = new Flavor("1", "small", 1024, 1, 5);
        LocalInstanceContext first = LocalInstanceContext.create("i-2", version, flavor, home, root.resolve("t"), "127.0.0.1", 35001);

        LocalInstanceContext second = LocalInstanceContext.create("i-2", version, flavor, home, root.resolve("t"), "127.0.0.1", 35001);

        assertThat(second.homeDir()).isEqualTo(first.homeDir());
        assertThat(second.dataDir()).isDirectory();
    }
}
