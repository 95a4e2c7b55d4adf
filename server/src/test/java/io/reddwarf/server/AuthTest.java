package io.reddwarf.server;

import static io.reddwarf.server.ErrorShapesTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a whole Reddwarf with its generated credentials: a token resolves to a project and roles; the URL's project must be the token's unless it is an admin. */
final class AuthTest {
    static final String UNAUTHORIZED = "This server could not verify that you are authorized to access the "
            + "document you requested.";
    static final String FORBIDDEN = "The token does not grant access to this project.";
    static final String OTHER_PROJECT = "ffffffffffffffffffffffffffffffff";

    static LiveServer live;
    static ReddwarfServer server;
    static Http anonymous;
    static String project;
    static String demoToken;
    static String adminToken;

    @BeforeAll
    static void start() {
        live = new LiveServer("auth", 36300, 36349);
        server = live.server;
        anonymous = new Http(server.baseUri(), null);
        project = server.credentials().demoProject();
        demoToken = server.credentials().demoToken();
        adminToken = server.credentials().adminToken();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void versionListNeedsNoToken() {
        Http.Answer answer = anonymous.get("/");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().toString()).isEqualTo("{\"versions\":[{\"id\":\"v1.0\",\"status\":\"CURRENT\","
                + "\"updated\":\"2012-08-01T00:00:00Z\",\"links\":[{\"href\":\"" + server.baseUri()
                + "v1.0/\",\"rel\":\"self\"}]}]}");
        assertThat(anonymous.get("/v1.0").json().get("version").get("id").asText()).isEqualTo("v1.0");
    }

    @Test
    void missingTokenIs401() throws IOException {
        assertError(anonymous.get("/v1.0/" + project + "/instances"), 401, "unauthorized", UNAUTHORIZED);
        assertError(anonymous.post("/v1.0/" + project + "/instances", "{}"), 401, "unauthorized", UNAUTHORIZED);
    }

    @Test
    void unknownTokenIs401AndUnknownRoutesAreNotRevealed() throws IOException {
        Http stranger = anonymous.withToken("not-a-token");
        assertError(stranger.get("/v1.0/" + project + "/flavors"), 401, "unauthorized", UNAUTHORIZED);
        assertError(stranger.get("/v1.0/" + project + "/no-such-thing"), 401, "unauthorized", UNAUTHORIZED);
        assertThat(demoToken.toUpperCase()).isNotEqualTo(demoToken);
        assertError(stranger.withToken(demoToken.toUpperCase()).get("/v1.0/" + project + "/flavors"), 401, "unauthorized",
                UNAUTHORIZED);
    }

    @Test
    void anotherProjectInTheUrlIs403() throws IOException {
        Http demo = anonymous.withToken(demoToken);
        assertError(demo.get("/v1.0/" + OTHER_PROJECT + "/instances"), 403, "forbidden", FORBIDDEN);
        assertError(demo.delete("/v1.0/" + OTHER_PROJECT + "/instances/5f0c6f4e-2b59-4c43-9a5e-5d0b1a6b7c8d"), 403,
                "forbidden", FORBIDDEN);
        assertError(demo.get("/v1.0/" + server.credentials().adminProject() + "/flavors"), 403, "forbidden",
                FORBIDDEN);
        assertThat(demo.get("/v1.0/" + project + "/instances").status()).isEqualTo(200);
    }

    @Test
    void adminMayAccessAnyProject() {
        Http admin = anonymous.withToken(adminToken);
        assertThat(admin.get("/v1.0/" + OTHER_PROJECT + "/instances").status()).isEqualTo(200);
        assertThat(admin.get("/v1.0/" + project + "/flavors").status()).isEqualTo(200);
    }
}
