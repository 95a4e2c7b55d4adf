package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.server.api.RateLimiter;
import io.reddwarf.server.auth.LocalCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits per project and verb: 413 overLimit with Retry-After once a verb's minute is used up. */
final class RateLimitTest {
    static final LocalCredentials CREDENTIALS = new LocalCredentials("0123456789abcdef0123456789abcdef",
            "demo-token", "fedcba9876543210fedcba9876543210", "admin-token");
    static Reddwarf core;
    static ApiServer server;
    static Http http;

    @BeforeAll
    static void start() {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-25T16:00:20Z"), ZoneOffset.UTC);
        Path home = LiveServer.shortHome("rate");
        core = Reddwarf.start(CoreConfig.load(home).withPorts(36470, 36479).withDriversInProcess());
        server = ApiServer.start("127.0.0.1", 0, CoreServices.of(core), CREDENTIALS, new RateLimiter(3, fixed));
        http = new Http(server.baseUri(), CREDENTIALS.demoToken());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @Test
    void fourthGetOfTheMinuteIsOverLimit() {
        String instances = "/v1.0/" + CREDENTIALS.demoProject() + "/instances";
        for (int i = 0; i < 3; i++) {
            assertThat(http.get(instances).status()).isEqualTo(200);
        }
        Http.Answer over = http.get(instances);
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.contentType()).startsWith("application/json");
        assertThat(over.json().get("overLimit").get("message").asText()).isEqualTo("This request was rate-limited.");
        assertThat(over.json().get("overLimit").get("retryAfter").asText()).isEqualTo("60");

        // other verbs and other projects have their own budget
        assertThat(http.post(instances, "{}").status()).isEqualTo(400);
        Http admin = http.withToken(CREDENTIALS.adminToken());
        assertThat(admin.get(instances).status()).isEqualTo(200);
        // the version documents are never limited
        assertThat(new Http(URI.create(server.baseUri().toString()), null).get("/").status()).isEqualTo(200);
    }
}
