package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every instance serves TLS from its first start with a key of its own and a certificate for its
 * address signed by the deployment's authority, which clients get from the API or the home.
 */
final class TlsTest {
    static LiveServer live;
    static String first;
    static String second;
    static int port;
    static Path ca;

    @BeforeAll
    static void start() throws IOException {
        live = new LiveServer("tls", 36480, 36489);
        first = create("tls1");
        second = create("tls2");
        port = live.awaitStatus(first, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        live.awaitStatus(second, "ACTIVE", Duration.ofSeconds(120));
        Http.Answer authority = live.http.get("/v1.0/" + live.project + "/certificate_authority");
        assertThat(authority.status()).as(authority.body()).isEqualTo(200);
        ca = live.home.resolve("from-api.pem");
        Files.writeString(ca, authority.json().get("certificate_authority").get("certificate").asText());
    }

    private static String create(String name) {
        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "bob", "password": "Bob-pass1", "databases": [{"name": "shop"}]}]}}"""
                .formatted(name));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("instance").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static LiveServer.Result verified(Path authority, String sql) {
        return LiveServer.run(List.of("mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P",
                Integer.toString(port), "-u", "bob", "-pBob-pass1", "--ssl", "--ssl-verify-server-cert",
                "--ssl-ca=" + authority, "shop", "-N", "-e", sql), null, Duration.ofSeconds(30));
    }

    @Test
    void clientsVerifyTheInstanceWithTheDeploymentsAuthority() throws IOException {
        assertThat(Files.readString(ca)).isEqualTo(Files.readString(live.home.resolve("ca.pem")))
                .startsWith("-----BEGIN CERTIFICATE-----");
        LiveServer.Result session = verified(ca, "SHOW SESSION STATUS LIKE 'Ssl_version'");
        assertThat(session.exitCode()).as(session.output()).isZero();
        assertThat(session.output()).containsPattern("Ssl_version\\s+TLSv1\\.[23]");
    }

    @Test
    void anotherAuthorityIsRefused() throws IOException {
        Path stranger = live.home.resolve("stranger");
        Files.createDirectories(stranger);
        LiveServer.Result made = LiveServer.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", stranger.resolve("key.pem").toString(), "-out",
                stranger.resolve("ca.pem").toString(), "-days", "1", "-subj", "/CN=stranger"), null, Duration.ofSeconds(30));
        assertThat(made.exitCode()).as(made.output()).isZero();

        LiveServer.Result session = verified(stranger.resolve("ca.pem"), "SELECT 1");
        assertThat(session.exitCode()).as(session.output()).isNotZero();
        assertThat(session.output()).containsIgnoringCase("certificate");
    }

    @Test
    void eachInstanceHasItsOwnKeyAndTheAuthoritysKeyStaysWithTheControlPlane() throws IOException {
        Path conf1 = live.home.resolve("instances").resolve(first).resolve("conf");
        Path conf2 = live.home.resolve("instances").resolve(second).resolve("conf");
        assertThat(Files.readString(conf1.resolve("tls-key.pem"))).isNotEqualTo(Files.readString(conf2.resolve("tls-key.pem")));
        assertThat(Files.readString(conf1.resolve("tls-cert.pem"))).isNotEqualTo(Files.readString(conf2.resolve("tls-cert.pem")));
        LiveServer.Result subject = LiveServer.run(List.of("openssl", "x509", "-in", conf1.resolve("tls-cert.pem").toString(),
                "-noout", "-subject", "-ext", "subjectAltName"), null, Duration.ofSeconds(10));
        assertThat(subject.output()).contains("CN = " + first).contains("IP Address:127.0.0.1");

        Path key = live.home.resolve("state").resolve("ca-key.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String authorityKey = Files.readString(key);
        String keyBody = authorityKey.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        try (var files = Files.walk(live.home.resolve("instances"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(content).as("the authority's key is not in %s", file).doesNotContain(keyBody);
            }
        }
    }
}
