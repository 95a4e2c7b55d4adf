package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.server.auth.CloudsYaml;
import io.reddwarf.server.auth.CredentialsFile;
import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.server.auth.LocalProject;
import io.reddwarf.server.auth.Principal;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class LocalCredentialsTest {

    static Path freshHome() throws IOException {
        Path target = Path.of("target", "test-homes");
        Files.createDirectories(target);
        return Files.createTempDirectory(target.toAbsolutePath(), "creds");
    }

    @Test
    void generatedOnceWithKeystoneLikeProjectIdsAndKeptPrivate() throws IOException {
        Path home = freshHome();
        LocalCredentials first = LocalCredentials.loadOrCreate(home);
        LocalCredentials second = LocalCredentials.loadOrCreate(home);

        assertThat(first.demoProject()).matches("[0-9a-f]{32}").isEqualTo(second.demoProject());
        assertThat(first.adminProject()).matches("[0-9a-f]{32}").isNotEqualTo(first.demoProject());
        assertThat(first.demoToken()).hasSize(64).isEqualTo(second.demoToken()).isNotEqualTo(first.adminToken());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("auth.properties"))))
                .isEqualTo("rw-------");
    }

    @Test
    void tokensResolveToTheirProjectAndRoles() throws IOException {
        LocalCredentials credentials = LocalCredentials.loadOrCreate(freshHome());
        assertThat(credentials.authenticate(credentials.demoToken()))
                .contains(new Principal(credentials.demoProject(), Set.of("member")));
        assertThat(credentials.authenticate(credentials.adminToken()))
                .contains(new Principal(credentials.adminProject(), Set.of("admin", "member")));
        assertThat(credentials.authenticate("nope")).isEmpty();
        assertThat(credentials.authenticate(null)).isEmpty();
    }

    @Test
    void cloudsYamlHasBothCloudsWithTheirEndpoints() throws IOException {
        Path home = freshHome();
        LocalCredentials credentials = LocalCredentials.loadOrCreate(home);
        Path file = CloudsYaml.write(home, URI.create("http://127.0.0.1:8779/"));

        String yaml = Files.readString(file);
        assertThat(yaml).contains("""
                clouds:
                  reddwarf:
                    auth_type: admin_token
                    auth:
                      token: '%s'
                      endpoint: 'http://127.0.0.1:8779/v1.0/%s'
                    region_name: RegionOne
                """.formatted(credentials.demoToken(), credentials.demoProject()));
        assertThat(yaml).contains("""
                  reddwarf-admin:
                    auth_type: admin_token
                    auth:
                      token: '%s'
                      endpoint: 'http://127.0.0.1:8779/v1.0/%s'
                """.formatted(credentials.adminToken(), credentials.adminProject()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aCreatedProjectHasAKeystoneLikeIdAMemberTokenAndACloudAtTheSameAddress() throws IOException {
        Path home = freshHome();
        LocalCredentials before = LocalCredentials.loadOrCreate(home);
        CloudsYaml.write(home, URI.create("http://127.0.0.1:9000/"));

        LocalProject created = LocalCredentials.createProject(home, "team-a");
        CloudsYaml.refresh(home);

        assertThat(created.name()).isEqualTo("team-a");
        assertThat(created.id()).matches("[0-9a-f]{32}").isNotIn(before.demoProject(), before.adminProject());
        assertThat(created.token()).matches("[0-9a-f]{64}");
        assertThat(created.cloud()).isEqualTo("reddwarf-team-a");
        assertThat(created.toString()).doesNotContain(created.token());
        LocalCredentials after = LocalCredentials.loadOrCreate(home);
        assertThat(after.demoToken()).isEqualTo(before.demoToken());
        assertThat(after.adminToken()).isEqualTo(before.adminToken());
        assertThat(after.project("team-a")).contains(created);
        assertThat(after.authenticate(created.token())).contains(new Principal(created.id(), Set.of("member")));
        assertThat(after.projectExists(created.id())).isTrue();
        assertThat(after.projectExists("ffffffffffffffffffffffffffffffff")).isFalse();

        String yaml = Files.readString(home.resolve("clouds.yaml"));
        assertThat(yaml).contains("""
                  reddwarf-team-a:
                    auth_type: admin_token
                    auth:
                      token: '%s'
                      endpoint: 'http://127.0.0.1:9000/v1.0/%s'
                    region_name: RegionOne
                    database_api_version: '1'
                """.formatted(created.token(), created.id()));
        assertThat(yaml).contains("  reddwarf:\n", "  reddwarf-admin:\n", "http://127.0.0.1:9000/v1.0/" + before.demoProject());
        for (String file : List.of("auth.properties", "clouds.yaml", "auth.lock")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        try (var leftovers = Files.list(home)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("auth.properties", "clouds.yaml", "auth.lock");
        }
    }

    @Test
    void aProjectCreatedInAnEmptyHomeGetsTheDemoAndAdminProjectsToo() throws IOException {
        Path home = freshHome().resolve("not-yet");
        LocalProject created = LocalCredentials.createProject(home, "first");
        CloudsYaml.refresh(home);

        LocalCredentials credentials = LocalCredentials.loadOrCreate(home);
        assertThat(credentials.projects()).extracting(LocalProject::name).containsExactly("demo", "admin", "first");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(Files.readString(home.resolve("clouds.yaml")))
                .contains("endpoint: 'http://127.0.0.1:8779/v1.0/" + created.id() + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Team", "-a", "_a", "a b", "a.b", "a/b", "a:b", "été", "a\n",
            "a1234567890123456789012345678901234567890123456789012345678901234"})
    void invalidNamesAreRefusedAndNothingIsWritten(String name) throws IOException {
        Path home = freshHome();
        LocalCredentials.loadOrCreate(home);
        String before = Files.readString(home.resolve("auth.properties"));

        assertThatThrownBy(() -> LocalCredentials.createProject(home, name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A project name is 1 to 64 characters: lowercase letters, digits, '-' and '_', starting "
                        + "with a letter or a digit.");
        assertThat(Files.readString(home.resolve("auth.properties"))).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "team_b-2", "a123456789012345678901234567890123456789012345678901234567890123"})
    void validNames(String name) throws IOException {
        Path home = freshHome();
        assertThat(LocalCredentials.createProject(home, name).name()).isEqualTo(name);
        assertThat(LocalCredentials.loadOrCreate(home).project(name)).isPresent();
    }

    @Test
    void anExistingNameIsRefused() throws IOException {
        Path home = freshHome();
        LocalCredentials.createProject(home, "x");
        String before = Files.readString(home.resolve("auth.properties"));

        for (String name : List.of("x", "demo", "admin")) {
            assertThatThrownBy(() -> LocalCredentials.createProject(home, name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Project '" + name + "' already exists.");
        }
        assertThat(Files.readString(home.resolve("auth.properties"))).isEqualTo(before);
    }

    @Test
    void concurrentCreatesInOneProcessKeepEveryProject() throws Exception {
        Path home = freshHome();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LocalProject>> created = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String name = "p" + i;
                created.add(pool.submit(() -> {
                    LocalProject project = LocalCredentials.createProject(home, name);
                    CloudsYaml.refresh(home);
                    return project;
                }));
            }
            for (Future<LocalProject> future : created) {
                future.get();
            }
            LocalCredentials credentials = LocalCredentials.loadOrCreate(home);
            Set<String> ids = new HashSet<>();
            for (Future<LocalProject> future : created) {
                LocalProject project = future.get();
                assertThat(credentials.project(project.name())).contains(project);
                ids.add(project.id());
            }
            String yaml = Files.readString(home.resolve("clouds.yaml"));
            for (Future<LocalProject> future : created) {
                assertThat(yaml).contains("  reddwarf-" + future.get().name() + ":\n", future.get().token());
            }
            assertThat(ids).hasSize(40);
            assertThat(credentials.projects()).hasSize(42);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theServersCredentialsFileReadsAProjectCreatedAfterItOpened() throws IOException {
        Path home = freshHome();
        CredentialsFile file = CredentialsFile.open(home);
        String demoToken = file.current().demoToken();

        LocalProject created = LocalCredentials.createProject(home, "later");

        assertThat(file.current().project("later")).isEmpty();
        assertThat(file.authenticate(created.token())).contains(new Principal(created.id(), Set.of("member")));
        assertThat(file.current().project("later")).contains(created);
        assertThat(file.authenticate(demoToken)).isPresent();
        assertThat(file.authenticate("0".repeat(64))).isEmpty();

        LocalProject another = LocalCredentials.createProject(home, "another");
        assertThat(file.projectExists(another.id())).isTrue();
        assertThat(file.projectExists("0".repeat(32))).isFalse();
    }

    @Test
    void aBrokenFileLeavesTheCredentialsReadBeforeInForce() throws IOException {
        Path home = freshHome();
        CredentialsFile file = CredentialsFile.open(home);
        LocalCredentials before = file.current();
        Path auth = home.resolve("auth.properties");
        Path broken = Files.createTempFile(home, "broken", ".tmp");
        Files.writeString(broken, "demo.project=\n");
        Files.move(broken, auth, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(file.authenticate("unknown")).isEmpty();
        assertThat(file.authenticate(before.demoToken())).contains(new Principal(before.demoProject(), Set.of("member")));
        assertThat(file.authenticate(before.adminToken())).isPresent();
        assertThatThrownBy(() -> LocalCredentials.createProject(home, "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(auth + " has no demo.project");
    }
}
