package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Administrators narrow, remove and restore the parameters a version offers; groups obey at once. */
final class ParameterRulesTest {
    static LiveServer live;
    static Http admin;
    static String adminBase;
    static String versionId;

    @BeforeAll
    static void start() {
        live = new LiveServer("prm", 36400, 36499);
        admin = live.http.withToken(live.server.credentials().adminToken());
        adminBase = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/datastores/versions/";
        versionId = live.http.get("/v1.0/" + live.project + "/datastores/mariadb/versions/10.11").json()
                .get("version").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static Http.Answer createGroup(String values) {
        return live.http.post("/v1.0/" + live.project + "/configurations",
                "{\"configuration\": {\"name\": \"g\", \"values\": " + values + "}}");
    }

    static String message(Http.Answer answer) {
        return answer.json().elements().next().get("message").asText();
    }

    @Test
    void anAdministratorNarrowsABoundAndGroupsObey() {
        Http.Answer narrowed = admin.method("PUT", adminBase + versionId + "/parameters/max_user_connections",
                "{\"configuration-parameter\": {\"data_type\": \"integer\", \"min_size\": 0, \"max_size\": 500, "
                        + "\"restart_required\": false}}");
        assertThat(narrowed.status()).as(narrowed.body()).isEqualTo(200);
        assertThat(narrowed.json().get("max").asInt()).isEqualTo(500);

        Http.Answer refused = createGroup("{\"max_user_connections\": 501}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(message(refused))
                .isEqualTo("The value for the configuration parameter max_user_connections is greater than the maximum "
                        + "allowed: 500");
        assertThat(createGroup("{\"max_user_connections\": 500}").status()).isEqualTo(200);
    }

    @Test
    void aRuleWiderThanTheDriversOrMadeDynamicIsRefused() {
        Http.Answer wider = admin.method("PUT", adminBase + versionId + "/parameters/max_connections",
                "{\"configuration-parameter\": {\"data_type\": \"integer\", \"min_size\": 1, \"max_size\": 100, "
                        + "\"restart_required\": false}}");
        assertThat(wider.status()).isEqualTo(400);
        assertThat(message(wider)).isEqualTo("The bounds of max_connections must lie within the driver's: 10 to 100000.");
        Http.Answer dynamic = admin.method("PUT", adminBase + versionId + "/parameters/ft_min_word_len",
                "{\"configuration-parameter\": {\"data_type\": \"integer\", \"min_size\": 1, \"max_size\": 84, "
                        + "\"restart_required\": false}}");
        assertThat(message(dynamic))
                .isEqualTo("The parameter ft_min_word_len takes effect only at a restart; it cannot be made dynamic.");
        Http.Answer unknown = admin.post(adminBase + versionId + "/parameters",
                "{\"configuration-parameter\": {\"name\": \"datadir\", \"data_type\": \"string\", "
                        + "\"restart_required\": true}}");
        assertThat(message(unknown))
                .isEqualTo("The parameter datadir is not known to the mariadb 10.11 driver; only its parameters can be "
                        + "offered.");
    }

    @Test
    void aRemovedParameterIsNotOfferedUntilItIsAddedBack() {
        assertThat(admin.delete(adminBase + versionId + "/parameters/wait_timeout").status()).isEqualTo(204);
        JsonNode offered = live.http.get("/v1.0/" + live.project + "/datastores/versions/" + versionId + "/parameters")
                .json().get("configuration-parameters");
        assertThat(offered.findValuesAsText("name")).doesNotContain("wait_timeout").contains("interactive_timeout");
        assertThat(message(createGroup("{\"wait_timeout\": 60}")))
                .isEqualTo("The configuration parameter wait_timeout is not supported for this datastore: mariadb 10.11.");
        assertThat(message(admin.delete(adminBase + versionId + "/parameters/wait_timeout")))
                .isEqualTo("Parameter wait_timeout does not exist in the database.");

        Http.Answer back = admin.post(adminBase + versionId + "/parameters",
                "{\"configuration-parameter\": {\"name\": \"wait_timeout\", \"data_type\": \"integer\", "
                        + "\"min_size\": 1, \"max_size\": 3600, \"restart_required\": false}}");
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(createGroup("{\"wait_timeout\": 60}").status()).isEqualTo(200);
        assertThat(message(admin.post(adminBase + versionId + "/parameters",
                "{\"configuration-parameter\": {\"name\": \"wait_timeout\", \"data_type\": \"integer\", "
                        + "\"min_size\": 1, \"max_size\": 3600, \"restart_required\": false}}")))
                .isEqualTo("wait_timeout parameter already exists for datastore version 10.11.");
    }

    @Test
    void onlyAdministratorsManageParameters() {
        Http.Answer answer = live.http.get("/v1.0/" + live.project + "/mgmt/datastores/versions/" + versionId
                + "/parameters");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(message(answer)).isEqualTo("This operation is reserved for administrators.");
    }
}
