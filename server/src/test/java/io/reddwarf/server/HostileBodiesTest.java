package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

    static final String UNPAIRED = "The request body must not contain unpaired UTF-16 surrogates: "
            + "text must be valid Unicode.";

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"instance\": {\"name\": \"\\ud800x\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}",
        "{\"instance\": {\"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}, "
                + "\"users\": [{\"name\": \"bob\", \"password\": \"pw\\udc00\"}]}}",
        "{\"instance\": {\"name\": \"a\\ude00\\ud83d\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}",
        "{\"instance\": {\"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}, \"nics\": [[\"\\udbff\"]]}}"
    })
    void anUnpairedSurrogateAnywhereIs400(String body) {
        assertError(http.post(live.instances(), body), 400, "badRequest", UNPAIRED);
        assertThat(http.get(live.instances()).json().get("instances")).isEmpty();
    }

    @Test
    void anUnpairedSurrogateInAFieldNameIs400() {
        Http.Answer answer = http.post(live.instances(),
                "{\"instance\": {\"\\ud800\": 1, \"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("badRequest").get("message").asText())
                .isIn(UNPAIRED, "The request body is not valid JSON.");
    }

    @Test
    void anUnpairedSurrogateIs400OnEveryRoute() {
        assertError(http.post(configurations(), configuration("\"name\": \"g\\ud800\", \"values\": {}")), 400,
                "badRequest", UNPAIRED);
        assertError(http.method("PATCH", configurations() + "/" + group,
                "{\"configuration\": {\"values\": {\"sql_mode\": \"\\udfff\"}}}"), 400, "badRequest", UNPAIRED);
    }

    @Test
    void aSurrogatePairIsText() {
        Http.Answer created = http.post(configurations(),
                configuration("\"name\": \"g\\ud83d\\ude00\", \"values\": {\"max_connections\": 100}"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("configuration").get("name").asText()).isEqualTo("g\ud83d\ude00");
    }

    @Test
    void aSurrogateEncodedInUtf8BytesIsRefused() {
        byte[] head = ("POST " + configurations() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: "
                + live.server.credentials().demoToken() + "\r\nContent-Type: application/json\r\n").getBytes(UTF_8);
        byte[] json = configuration("\"name\": \"g@\", \"values\": {}").getBytes(UTF_8);
        int at = new String(json, UTF_8).indexOf('@');
        byte[] body = new byte[json.length + 2];
        System.arraycopy(json, 0, body, 0, at);
        body[at] = (byte) 0xED;
        body[at + 1] = (byte) 0xA0;
        body[at + 2] = (byte) 0x80;
        System.arraycopy(json, at + 1, body, at + 3, json.length - at - 1);
        byte[] length = ("Content-Length: " + body.length + "\r\n\r\n").getBytes(UTF_8);
        RawHttp.Answer answer = RawHttp.exchange(live.server.port(), concat(head, length), body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode error = answer.json().get("badRequest");
        assertThat(error.get("message").asText()).isIn(UNPAIRED, "The request body is not valid JSON.");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void aBodyWithoutAContentTypeIs415() {
        String create = "{\"instance\": {\"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}";
        String message = "The request body must be JSON (Content-Type: application/json).";
        assertError(http.post(live.instances(), create, null), 415, "badMediaType", message);
        assertError(http.post(configurations(), configuration("\"name\": \"n\", \"values\": {}"), null), 415,
                "badMediaType", message);
        assertError(http.post(live.instances(), create, "application/x-www-form-urlencoded"), 415, "badMediaType",
                message);
        // The root route takes an optional body and declares no media type of its own.
        assertError(http.post(live.instances() + "/nope/root", "{}", "text/plain"), 415, "badMediaType", message);
        RawHttp.Answer chunked = RawHttp.exchange(live.server.port(), ("POST " + live.instances() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nX-Auth-Token: " + live.server.credentials().demoToken() + "\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").getBytes(UTF_8));
        assertThat(chunked.status()).isEqualTo(415);
        assertThat(chunked.json().get("badMediaType").get("message").asText()).isEqualTo(message);
        assertThat(http.get(live.instances()).json().get("instances")).isEmpty();
    }

    @Test
    void jsonWithACharsetOrNoBodyAtAllNeedsNoMore() {
        Http.Answer created = http.post(configurations(),
                configuration("\"name\": \"utf\", \"values\": {\"max_connections\": 100}"),
                "application/json; charset=UTF-8");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertError(http.post(live.instances(), "", null), 400, "badRequest", "The request body is empty.");
    }
}
