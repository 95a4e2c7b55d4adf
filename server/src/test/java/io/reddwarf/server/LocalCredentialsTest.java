package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.server.auth.CloudsYaml;
import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.server.auth.Principal;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
        Path file = CloudsYaml.write(home, URI.create("http://127.0.0.1:8779/"), credentials);

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
}
