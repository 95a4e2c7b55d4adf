package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies a hostile client sends to the API's routes: numbers and strings too large to
 * store, text that is not Unicode, character sets no engine has, bodies that do not say they are
 * JSON. Each is refused at request time with Trove's JSON error, never a 500 and never stored.
 * Nothing here builds an instance: every create is refused.
 */
final class HostileBodiesTest {
    static LiveServer live;
    static Http http;
    static String group;

    @BeforeAll
    static void start() {
        live = new LiveServer("hbody", 36810, 36819);
        http = live.http;
        Http.Answer created = http.post(configurations(), configuration("\"name\": \"g\", \"values\": {\"max_connections\": 100}"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        group = created.json().get("configuration").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String configurations() {
        return "/v1.0/" + live.project + "/configurations";
    }

    static String configuration(String fields) {
        return "{\"configuration\": {" + fields + ", \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}";
    }

    static void assertError(Http.Answer answer, int status, String troveName, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json()).isEqualTo(Http.MAPPER.createObjectNode().set(troveName,
                Http.MAPPER.createObjectNode().put("code", status).put("message", message)));
    }

    /** The answers of a create, a PUT and a PATCH of the group, each with {@code values}. */
    static Http.Answer[] createPutAndPatch(String values) {
        return new Http.Answer[] {
            http.post(configurations(), configuration("\"name\": \"x\", \"values\": " + values)),
            http.method("PUT", configurations() + "/" + group, "{\"configuration\": {\"values\": " + values + "}}"),
            http.method("PATCH", configurations() + "/" + group, "{\"configuration\": {\"values\": " + values + "}}")
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "1E+999", "123456789e999999999"})
    void aNumberBeyondTheRangeOfADoubleIs422(String literal) {
        for (Http.Answer answer : createPutAndPatch("{\"max_connections\": " + literal + "}")) {
            assertError(answer, 422, "unprocessableEntity", "The value provided for the configuration parameter "
                    + "max_connections is outside the range of numbers the API accepts.");
        }
        assertThat(http.get(configurations() + "/" + group).json().get("configuration").get("values")
                .get("max_connections").asInt()).isEqualTo(100);
    }

    @Test
    void aValueOverTheStoredWidthIs422() {
        for (Http.Answer answer : createPutAndPatch("{\"sql_mode\": \"" + "A".repeat(4097) + "\"}")) {
            assertError(answer, 422, "unprocessableEntity",
                    "The value for the configuration parameter sql_mode must be at most 4096 characters long.");
        }
        Http.Answer widest = http.post(configurations(),
                configuration("\"name\": \"wide\", \"values\": {\"sql_mode\": \"" + "A".repeat(4096) + "\"}"));
        assertThat(widest.status()).as(widest.body()).isEqualTo(200);
        assertThat(widest.json().get("configuration").get("values").get("sql_mode").asText()).hasSize(4096);
    }

    @Test
    void characterSetsAndCollationsAreCheckedWhenAnInstanceIsCreated() {
        String base = "\"name\": \"cs\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}, "
                + "\"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}, \"databases\": ";
        assertError(http.post(live.instances(), "{\"instance\": {" + base
                        + "[{\"name\": \"db1\", \"character_set\": \"str\"}]}}"),
                400, "badRequest", "Character set 'str' is not supported by the engine.");
        assertError(http.post(live.instances(), "{\"instance\": {" + base
                        + "[{\"name\": \"db1\", \"collate\": \"str_bin\"}]}}"),
                400, "badRequest", "Collation 'str_bin' is not supported by the engine.");
        assertError(http.post(live.instances(), "{\"instance\": {" + base
                        + "[{\"name\": \"db1\", \"character_set\": \"latin1\", \"collate\": \"utf8mb4_bin\"}]}}"),
                400, "badRequest", "Collation 'utf8mb4_bin' does not belong to character set 'latin1'.");
        assertThat(http.get(live.instances()).json().get("instances")).isEmpty();
    }
}
