package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.DatastoreVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The data directory template with the real {@code mariadb-install-db}. */
final class DataDirTemplateTest {
    @Test
    void concurrentFirstBuildsShareOneTemplate() throws Exception {
        DatastoreVersion version = MariaDbFixture.requireServer(new MariaDbDatastore());
        Path root = MariaDbFixture.ROOT.resolve("tpl-" + UUID.randomUUID().toString().substring(0, 8));
        Path templates = root.resolve("templates");
        List<LocalInstanceContext> contexts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = UUID.randomUUID().toString();
            contexts.add(LocalInstanceContext.create(id, version, MariaDbFixture.FLAVOR, root.resolve("i" + i),
                    templates, "127.0.0.1", MariaDbFixture.freePort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(contexts.size());
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (LocalInstanceContext context : contexts) {
                results.add(pool.submit(() ->
                        new DataDirTemplate(new MariaDbEngine(), Binaries.fromEnvironment(), context).ensure()));
            }
            Path expected = templates.toAbsolutePath().normalize().resolve("mariadb-datadir");
            for (Future<Path> result : results) {
                assertThat(result.get(5, TimeUnit.MINUTES).toAbsolutePath().normalize()).isEqualTo(expected);
            }
            assertThat(expected).isDirectory();
            try (Stream<Path> left = Files.list(templates)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("mariadb-datadir");
            }
        } finally {
            pool.shutdownNow();
            for (LocalInstanceContext context : contexts) {
                MariaDbFixture.killAll(context.homeDir());
            }
            MySqlFamilyInstance.deleteTree(root);
        }
    }
}
