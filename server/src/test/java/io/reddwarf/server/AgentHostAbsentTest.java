package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code provider.agent-host} names an agent that is not there yet, then one that is enrolled but
 * not running: a create is refused as unavailable (503, Trove's error shape, saying which agent),
 * and nothing is recorded or counted against the quota.
 */
final class AgentHostAbsentTest {
    static LiveServer live;

    @BeforeAll
    static void start() {
        live = new LiveServer("ahabs", 36980, 36989, "provider.agent-host=db-host-9\napi.rate-limit-per-minute=100000\n");
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    private static Http.Answer create() {
        return live.http.post(live.instances(), "{\"instance\": {\"name\": \"nowhere\", \"flavorRef\": \"1\", "
                + "\"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}");
    }

    private static void expectNothingRecorded() {
        assertThat(live.http.get(live.instances()).json().get("instances")).isEmpty();
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        for (JsonNode quota : admin.get("/v1.0/" + live.server.credentials().adminProject() + "/mgmt/quotas/"
                + live.project).json().get("quotas")) {
            assertThat(quota.get("in_use").asInt()).as("%s in use", quota.get("resource").asText()).isZero();
        }
    }

    @Test
    void aCreateWhileTheNamedAgentIsMissingOrAwayIsRefusedAsUnavailable() {
        Http.Answer missing = create();
        assertThat(missing.status()).as(missing.body()).isEqualTo(503);
        assertThat(missing.json().get("serviceUnavailable").get("message").asText())
                .isEqualTo("No agent named 'db-host-9' is enrolled: enrol it (POST /mgmt/agents) and start it on the "
                        + "instances' host.");
        expectNothingRecorded();

        Http admin = live.http.withToken(live.server.credentials().adminToken());
        Http.Answer enrolled = admin.post("/v1.0/" + live.server.credentials().adminProject() + "/mgmt/agents",
                "{\"agent\": {\"name\": \"db-host-9\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isBetween(200, 201);
        Http.Answer away = create();
        assertThat(away.status()).as(away.body()).isEqualTo(503);
        assertThat(away.json().get("serviceUnavailable").get("message").asText())
                .isEqualTo("The agent 'db-host-9' of the instances' host has not been heard from for 6 s; try again "
                        + "when it is back.");
        expectNothingRecorded();
    }
}
