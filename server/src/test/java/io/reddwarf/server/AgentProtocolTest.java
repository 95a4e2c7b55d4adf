package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent protocol against the real thing: the packaged agent jar in its own process, enrolled
 * through the management API, talking HTTPS with its client certificate to the control plane's
 * agent listener; and what the listener refuses (no certificate, a forged one, another protocol
 * version, a revoked agent).
 */
final class AgentProtocolTest {
    private static final Path AGENT_JAR = Path.of("..", "agent", "target", "reddwarf-agent.jar").toAbsolutePath().normalize();
    private static LiveServer live;
    private static Http admin;
    private static String mgmt;

    @BeforeAll
    static void start() {
        if (!Files.isRegularFile(AGENT_JAR)) {
            fail("The agent jar " + AGENT_JAR + " is missing: build the agent module first (./mvnw -pl agent package)");
        }
        live = new LiveServer("agt", 36940, 36949);
        admin = live.http.withToken(live.server.credentials().adminToken());
        mgmt = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/agents";
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    /** Enrols an agent named {@code name} and writes its home; returns the agent's id. */
    private static String enrol(String name, Path home) throws IOException {
        Http.Answer enrolled = admin.post(mgmt, "{\"agent\": {\"name\": \"" + name + "\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
        JsonNode answer = enrolled.json();
        String id = answer.get("agent").get("id").asText();
        JsonNode credentials = answer.get("credentials");
        Files.createDirectories(home);
        Files.writeString(home.resolve("agent.properties"), "agent.id=" + id + "\ncontrol-plane.url="
                + credentials.get("control_plane_url").asText() + "\nheartbeat.interval=500ms\n");
        Path key = Files.createFile(home.resolve("agent-key.pem"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, credentials.get("key").asText());
        Files.writeString(home.resolve("agent-cert.pem"), credentials.get("certificate").asText());
        Files.writeString(home.resolve("ca.pem"), credentials.get("authority").asText());
        // the key is answered once: no later view carries it
        assertThat(admin.get(mgmt + "/" + id).body()).doesNotContain("PRIVATE KEY");
        assertThat(admin.get(mgmt).body()).doesNotContain("PRIVATE KEY");
        return id;
    }

    private static Process startAgent(Path home) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-jar", AGENT_JAR.toString(), "--home", home.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile()).start();
    }

    private static JsonNode agent(String id) {
        Http.Answer shown = admin.get(mgmt + "/" + id);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        return shown.json().get("agent");
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    @Test
    void anEnrolledAgentHeartbeatsAnswersCommandsAndIsRefusedOnceRevoked() throws Exception {
        Path home = live.home.resolve("agent-a");
        String id = enrol("host-a", home);
        Process agent = startAgent(home);
        try {
            await(Duration.ofSeconds(15), () -> agent(id).hasNonNull("last_heartbeat"),
                    "no heartbeat from the agent within 15 s; its log: " + log(home));
            assertThat(agent(id).get("agent_version").asText()).isNotEmpty();

            List<Double> trips = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Http.Answer ping = admin.post(mgmt + "/" + id + "/ping", "");
                assertThat(ping.status()).as(ping.body()).isEqualTo(200);
                trips.add(ping.json().get("ping").get("round_trip_ms").asDouble());
            }
            System.out.println("agent ping round trips (ms): " + trips);
            assertThat(log(home)).contains("agent.ping");

            // a member of a project cannot see, enrol or revoke agents
            assertThat(live.http.get("/v1.0/" + live.project + "/mgmt/agents").status()).isEqualTo(403);

            Http.Answer revoked = admin.delete(mgmt + "/" + id);
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(202);
            assertThat(agent(id).hasNonNull("revoked")).isTrue();
            Thread.sleep(1500);
            String lastBefore = agent(id).get("last_heartbeat").asText();
            Thread.sleep(2000);
            assertThat(agent(id).get("last_heartbeat").asText()).as("a revoked agent's heartbeats are refused")
                    .isEqualTo(lastBefore);
            HttpResponse<String> refused = send(tlsWith(home), "1", "/agent/v1/commands?wait=0&session=test");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("\"unauthorized\"").contains("revoked");
        } finally {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anotherProtocolVersionIsRefusedWithTroveShapedJson() throws Exception {
        Path home = live.home.resolve("agent-b");
        enrol("host-b", home);
        SSLContext tls = tlsWith(home);

        HttpResponse<String> other = send(tls, "2", "/agent/v1/commands?wait=0&session=test");
        HttpResponse<String> none = send(tls, null, "/agent/v1/commands?wait=0&session=test");
        HttpResponse<String> good = send(tls, "1", "/agent/v1/commands?wait=0&session=test");
        HttpResponse<String> sessionless = send(tls, "1", "/agent/v1/commands?wait=0");
        HttpResponse<String> badKey = send(tls, "1", "/agent/v1/commands?wait=0&session=test&tls_key=bm90LWEta2V5");

        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("\"badRequest\"").contains("Unsupported agent protocol version '2'");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(sessionless.statusCode()).isEqualTo(400);
        assertThat(sessionless.body()).contains("\"badRequest\"").contains("session must name");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.body()).contains("\"badRequest\"").contains("tls_key must be a base64url DER EC public key");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(good.headers().firstValue("Reddwarf-Agent-Protocol")).contains("1");
        assertThat(good.body()).isEqualTo("{\"commands\":[]}");
    }

    @Test
    void anAgentGetsACertificateOnlyForAPreparationItIsRunning() throws Exception {
        Path home = live.home.resolve("agent-d");
        enrol("host-d", home);
        SSLContext tls = tlsWith(home);
        String publicKey = Base64.getEncoder().encodeToString(java.security.KeyPairGenerator.getInstance("EC")
                .generateKeyPair().getPublic().getEncoded());

        HttpResponse<String> unknown = post(tls, "/agent/v1/certificates",
                "{\"command\": \"no-such-command\", \"public_key\": \"" + publicKey + "\"}");
        HttpResponse<String> malformed = post(tls, "/agent/v1/certificates", "{\"command\": \"x\"}");

        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(403);
        assertThat(unknown.body()).contains("\"forbidden\"").contains("is not a preparation this agent is running");
        assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"badRequest\"").contains("public_key");
    }

    @Test
    void aConnectionWithoutACertificateOfTheDeploymentsAuthorityIsRefused() throws Exception {
        Path home = live.home.resolve("agent-c");
        String id = enrol("host-c", home);
        // a certificate for the same agent id, signed by itself instead of the deployment's CA
        Path forged = live.home.resolve("forged");
        Files.createDirectories(forged);
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", forged.resolve("agent-key.pem").toString(), "-out",
                forged.resolve("agent-cert.pem").toString(), "-days", "1", "-subj", "/O=Reddwarf/CN=" + id)
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), UTF_8);
        assertThat(openssl.waitFor()).as("openssl: " + output).isZero();
        Files.copy(home.resolve("ca.pem"), forged.resolve("ca.pem"));

        assertThatThrownBy(() -> send(tlsWith(forged), "1", "/agent/v1/commands?wait=0&session=test")).isInstanceOf(IOException.class);
        // and none at all
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        anonymous.init(null, trustOnly(home.resolve("ca.pem")).getTrustManagers(), null);
        assertThatThrownBy(() -> send(anonymous, "1", "/agent/v1/commands?wait=0&session=test")).isInstanceOf(IOException.class);
    }

    private static String log(Path home) {
        try {
            return Files.readString(home.resolve("agent.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static HttpResponse<String> send(SSLContext tls, String version, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(live.server.agentListener().toString()).resolve(path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (version != null) {
            request.header("Reddwarf-Agent-Protocol", version);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(SSLContext tls, String path, String body) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
        return client.send(HttpRequest.newBuilder(URI.create(live.server.agentListener().toString()).resolve(path))
                .timeout(Duration.ofSeconds(10)).header("Reddwarf-Agent-Protocol", "1")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext tlsWith(Path home) throws Exception {
        char[] none = new char[0];
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        String pem = Files.readString(home.resolve("agent-key.pem"));
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        identity.setKeyEntry("agent", KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body))), none,
                new Certificate[] {certificate(home.resolve("agent-cert.pem"))});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, none);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trustOnly(home.resolve("ca.pem")).getTrustManagers(), null);
        return context;
    }

    private static TrustManagerFactory trustOnly(Path authority) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", certificate(authority));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        return trust;
    }

    private static Certificate certificate(Path file) throws Exception {
        return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }
}
