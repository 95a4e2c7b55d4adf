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

    @Test
    void aSpareCopyIsMadeAfterAPreparationAndMovedIntoTheNextDataDirectoryOnce() throws Exception {
        DatastoreVersion version = MariaDbFixture.requireServer(new MariaDbDatastore());
        Path root = MariaDbFixture.ROOT.resolve("spare-" + UUID.randomUUID().toString().substring(0, 8));
        Path templates = root.resolve("templates");
        try {
            // a template's shape without running the engine: the spare logic only moves files
            Path template = templates.resolve("mariadb-datadir");
            Files.createDirectories(template.resolve("mysql"));
            Files.writeString(template.resolve("ibdata1"), "system tablespace");
            Files.writeString(template.resolve("mysql").resolve("user.MAD"), "accounts");
            LocalInstanceContext first = LocalInstanceContext.create(UUID.randomUUID().toString(), version,
                    MariaDbFixture.FLAVOR, root.resolve("a"), templates, "127.0.0.1", MariaDbFixture.freePort());
            DataDirTemplate templateOfFirst = new DataDirTemplate(new MariaDbEngine(), Binaries.fromEnvironment(), first);
            Files.createDirectories(first.dataDir());

            assertThat(templateOfFirst.takeSpare(template, first.dataDir())).as("no spare before any preparation").isFalse();
            templateOfFirst.refillSpare(template);
            Path spare;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Stream<Path> entries = Files.list(templates)) {
                    spare = entries.filter(p -> p.getFileName().toString().startsWith("mariadb-spare-")).findFirst().orElse(null);
                }
                if (spare != null || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(spare).as("the spare copy made in the background").isNotNull();
            assertThat(Files.getPosixFilePermissions(spare)).as("the spare is private like the template")
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

            LocalInstanceContext second = LocalInstanceContext.create(UUID.randomUUID().toString(), version,
                    MariaDbFixture.FLAVOR, root.resolve("b"), templates, "127.0.0.1", MariaDbFixture.freePort());
            Files.createDirectories(second.dataDir());
            DataDirTemplate templateOfSecond = new DataDirTemplate(new MariaDbEngine(), Binaries.fromEnvironment(), second);
            assertThat(templateOfSecond.takeSpare(template, second.dataDir())).isTrue();
            assertThat(Files.readString(second.dataDir().resolve("mysql").resolve("user.MAD"))).isEqualTo("accounts");
            assertThat(Files.readString(second.dataDir().resolve("ibdata1"))).isEqualTo("system tablespace");
            assertThat(spare).as("a spare is handed out once").doesNotExist();
            try (Stream<Path> left = Files.list(templates)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("no claimed leftovers")
                        .containsExactly("mariadb-datadir");
            }
            assertThat(Files.readString(template.resolve("ibdata1"))).as("the template itself").isEqualTo("system tablespace");

            LocalInstanceContext third = LocalInstanceContext.create(UUID.randomUUID().toString(), version,
                    MariaDbFixture.FLAVOR, root.resolve("c"), templates, "127.0.0.1", MariaDbFixture.freePort());
            Files.createDirectories(third.dataDir());
            assertThat(new DataDirTemplate(new MariaDbEngine(), Binaries.fromEnvironment(), third)
                    .takeSpare(template, third.dataDir())).as("the spare was taken").isFalse();
        } finally {
            MySqlFamilyInstance.deleteTree(root);
        }
    }
}
