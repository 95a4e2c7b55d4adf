package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceView;
import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.spi.InvalidRequestException;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every client error has Trove's JSON shape with a fixed message; nothing else ever reaches a body. */
final class ErrorShapesTest {
    static final String PROJECT = "0123456789abcdef0123456789abcdef";
    static final LocalCredentials CREDENTIALS = new LocalCredentials(PROJECT, "demo-token",
            "fedcba9876543210fedcba9876543210", "admin-token");

    static FakeCore core;
    static ApiServer server;
    static Http http;

    @BeforeAll
    static void start() {
        core = new FakeCore();
        server = ApiServer.start("127.0.0.1", 0, core.services(), CREDENTIALS);
        http = new Http(server.baseUri(), "demo-token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        core.nextFailure = null;
        core.created.clear();
    }

    static String instances() {
        return "/v1.0/" + PROJECT + "/instances";
    }

    static String body(String instanceFields) {
        return "{\"instance\": {" + instanceFields + "}}";
    }

    static final String VALID = "\"name\": \"app1\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}, "
            + "\"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}";

    static void assertError(Http.Answer answer, int status, String troveName, String message) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode expected = Http.MAPPER.createObjectNode().set(troveName,
                Http.MAPPER.createObjectNode().put("code", status).put("message", message));
        assertThat(answer.json()).isEqualTo(expected);
    }

    @Test
    void createAnswers200WithTheBuildView() {
        Http.Answer answer = http.post(instances(), "{\"instance\": {" + VALID + ", "
                + "\"databases\": [{\"name\": \"shop\", \"character_set\": \"utf8mb4\", \"collate\": \"utf8mb4_bin\"}], "
                + "\"users\": [{\"name\": \"alice\", \"password\": \"S3cret-pass\", \"databases\": [{\"name\": \"shop\"}]}], "
                + "\"nics\": [], \"availability_zone\": \"nova\", \"region_name\": \"RegionOne\", "
                + "\"access\": {\"is_public\": false}}}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode instance = answer.json().get("instance");
        assertThat(instance.get("status").asText()).isEqualTo("BUILD");
        assertThat(instance.get("name").asText()).isEqualTo("app1");
        assertThat(instance.get("created").asText()).isEqualTo("2026-01-02T03:04:05");
        assertThat(instance.get("flavor").get("id").asText()).isEqualTo("2");
        assertThat(instance.get("volume").get("size").asInt()).isEqualTo(1);
        assertThat(instance.get("datastore").get("type").asText()).isEqualTo("mariadb");
        assertThat(instance.get("datastore").get("version").asText()).isEqualTo("10.11");
        assertThat(instance.get("region").asText()).isEqualTo("RegionOne");
        String id = instance.get("id").asText();
        assertThat(instance.get("links").get(0).get("href").asText())
                .isEqualTo(server.baseUri() + "v1.0/" + PROJECT + "/instances/" + id);
        assertThat(instance.get("links").get(1).get("href").asText())
                .isEqualTo(server.baseUri() + "instances/" + id);
        assertThat(instance.has("fault")).isFalse();

        var request = core.created.getFirst();
        assertThat(request.flavorRef()).isEqualTo("2");
        assertThat(request.databases().getFirst().characterSet()).contains("utf8mb4");
        assertThat(request.databases().getFirst().collation()).contains("utf8mb4_bin");
        assertThat(request.users().getFirst().host()).isEqualTo("%");
        assertThat(request.users().getFirst().password().value()).isEqualTo("S3cret-pass");
        assertThat(request.users().getFirst().databases()).containsExactly("shop");
    }

    @Test
    void flavorRefMayBeANumberOrAUrlAndVolumeSizeADigitString() {
        assertThat(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": 2, \"volume\": {\"size\": \"3\"}"))
                .status()).isEqualTo(200);
        assertThat(http.post(instances(), body("\"name\": \"b\", \"flavorRef\": \"http://x/v1.0/p/flavors/1\", "
                + "\"volume\": {\"size\": 1, \"type\": null}")).status()).isEqualTo(200);
        assertThat(core.created).extracting(r -> r.flavorRef()).containsExactly("2", "1");
        assertThat(core.created.getFirst().volumeSize()).isEqualTo(3);
    }

    @Test
    void malformedJson() throws IOException {
        assertError(http.post(instances(), "{\"instance\": "), 400, "badRequest", "The request body is not valid JSON.");
        assertError(http.post(instances(), "{\"instance\": {}} trailing"), 400, "badRequest",
                "The request body is not valid JSON.");
        assertError(http.post(instances(), "{\"instance\": {}, \"instance\": {}}"), 400, "badRequest",
                "The request body is not valid JSON.");
    }

    @Test
    void bodyThatIsNotAnInstanceObject() throws IOException {
        assertError(http.post(instances(), ""), 400, "badRequest", "The request body is empty.");
        assertError(http.post(instances(), "[]"), 400, "badRequest", "The request body must be a JSON object.");
        assertError(http.post(instances(), "{}"), 400, "badRequest",
                "The request body must contain an 'instance' object.");
        assertError(http.post(instances(), "{\"instance\": \"app1\"}"), 400, "badRequest",
                "The request body must contain an 'instance' object.");
    }

    @Test
    void missingOrWrongName() throws IOException {
        assertError(http.post(instances(), body("\"flavorRef\": \"2\", \"volume\": {\"size\": 1}")), 400,
                "badRequest", "The instance name is required.");
        assertError(http.post(instances(), body("\"name\": 42, \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")),
                400, "badRequest", "The instance name must be a string.");
        assertError(http.post(instances(), body("\"name\": \"  \", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")),
                400, "badRequest", "The instance name must not be blank.");
        assertError(http.post(instances(), body("\"name\": \"" + "x".repeat(256)
                        + "\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")),
                400, "badRequest", "The instance name must be at most 255 characters long.");
        assertThat(http.post(instances(), body("\"name\": \"" + "x".repeat(255)
                + "\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\\"b", "a'b", "a`b", "a\\nb", "a\\u0000b", "a\\\\b"})
    void namesWithQuotesBackticksOrControlCharacters(String jsonName) throws IOException {
        assertError(http.post(instances(), body("\"name\": \"" + jsonName
                        + "\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")),
                400, "badRequest",
                "The instance name must not contain quotes, backticks, backslashes or control characters.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "\"abc\"", "true", "\"\"", "99999999999"})
    void volumeSizeThatIsNotAPositiveInteger(String size) throws IOException {
        assertError(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": \"2\", \"volume\": {\"size\": "
                + size + "}")), 400, "badRequest", "The volume size must be a positive integer.");
    }

    @Test
    void missingVolumeOrFlavor() throws IOException {
        assertError(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": \"2\"")), 400, "badRequest",
                "A volume size is required.");
        assertError(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": \"2\", \"volume\": {}")), 400,
                "badRequest", "A volume size is required.");
        assertError(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": \"2\", \"volume\": 1")), 400,
                "badRequest", "The volume must be an object with a size.");
        assertError(http.post(instances(), body("\"name\": \"a\", \"volume\": {\"size\": 1}")), 400, "badRequest",
                "The flavorRef is required.");
        assertError(http.post(instances(), body("\"name\": \"a\", \"flavorRef\": [], \"volume\": {\"size\": 1}")),
                400, "badRequest", "The flavorRef must be a flavor id.");
    }

    @Test
    void wrongShapesOfDatastoreDatabasesAndUsers() throws IOException {
        String base = "\"name\": \"a\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}, ";
        assertError(http.post(instances(), body(base + "\"datastore\": \"mariadb\"")), 400, "badRequest",
                "The datastore must be an object with a type and a version.");
        assertError(http.post(instances(), body(base + "\"datastore\": {\"type\": 1}")), 400, "badRequest",
                "The datastore type must be a non-empty string.");
        assertError(http.post(instances(), body(base + "\"databases\": {}")), 400, "badRequest",
                "'databases' must be a list.");
        assertError(http.post(instances(), body(base + "\"databases\": [{}]")), 400, "badRequest",
                "Each database needs a name.");
        assertError(http.post(instances(), body(base + "\"users\": [{\"name\": \"bob\"}]")), 400, "badRequest",
                "Each user needs a password.");
        assertError(http.post(instances(), body(base + "\"users\": [\"bob\"]")), 400, "badRequest",
                "Each entry of 'users' must be an object with a name and a password.");
    }

    @Test
    void unknownFlavorDatastoreOrVersionIs404() throws IOException {
        String base = "\"name\": \"a\", \"volume\": {\"size\": 1}, ";
        assertError(http.post(instances(), body(base + "\"flavorRef\": \"99\"")), 404, "itemNotFound",
                "Flavor 99 could not be found.");
        assertError(http.post(instances(), body(base + "\"flavorRef\": \"2\", \"datastore\": {\"type\": \"db2\"}")),
                404, "itemNotFound", "Datastore 'db2' cannot be found.");
        assertError(http.post(instances(), body(base
                        + "\"flavorRef\": \"2\", \"datastore\": {\"type\": \"mariadb\", \"version\": \"9.9\"}")),
                404, "itemNotFound", "Datastore version '9.9' cannot be found.");
    }

    @Test
    void featuresNotImplementedAreRefusedRatherThanIgnored() throws IOException {
        assertError(http.post(instances(), body(VALID + ", \"replica_of\": \"x\"")), 501, "notImplemented",
                "Creating an instance with 'replica_of' is not implemented.");
        assertError(http.post(instances(), body(VALID + ", \"restorePoint\": {\"backupRef\": \"b\"}")), 501,
                "notImplemented", "Creating an instance with 'restorePoint' is not implemented.");
    }

    @Test
    void invalidRequestFromADriverIs400WithItsMessage() throws IOException {
        core.nextFailure = new InvalidRequestException("The database name 'mysql' is reserved.");
        assertError(http.post(instances(), body(VALID)), 400, "badRequest", "The database name 'mysql' is reserved.");
    }

    @Test
    void unexpectedFailureIs500WithoutDetails() throws IOException {
        core.nextFailure = new IllegalStateException("secret internal detail at line 42");
        Http.Answer answer = http.get(instances());
        assertError(answer, 500, "instanceFault",
                "The server has either erred or is incapable of performing the requested operation.");
        assertThat(answer.body()).doesNotContain("secret", "Exception", "at io.");
    }

    @Test
    void wrongMediaTypeIs415() throws IOException {
        assertError(http.post(instances(), body(VALID), "text/plain"), 415, "badMediaType",
                "The request body must be JSON (Content-Type: application/json).");
    }

    @Test
    void bodyWithoutContentTypeIsReadAsJson() {
        assertThat(http.post(instances(), body(VALID), null).status()).isEqualTo(200);
    }

    @Test
    void unknownRouteIs404() throws IOException {
        assertError(http.get("/v1.0/" + PROJECT + "/nothing-here"), 404, "itemNotFound",
                "The resource could not be found.");
        assertError(http.get("/nothing-here"), 404, "itemNotFound", "The resource could not be found.");
    }

    @Test
    void wrongMethodIs405() throws IOException {
        assertError(http.method("PUT", instances(), "{}"), 405, "badMethod", "The method is not allowed for this resource.");
        assertError(http.method("DELETE", "/v1.0/" + PROJECT + "/flavors", null), 405, "badMethod",
                "The method is not allowed for this resource.");
    }

    @Test
    void wrongMethodNamesTheAllowedOnes() {
        assertThat(http.method("PUT", instances(), "{}").allow()).contains("GET").contains("POST");
    }

    @Test
    void acceptWithoutJsonIs406() throws IOException {
        assertError(http.getAccepting("/v1.0/" + PROJECT + "/flavors", "text/html"), 406, "notAcceptable",
                "The API only produces application/json.");
    }

    @Test
    void anotherProjectsInstanceIsNotFound() throws IOException {
        Instant now = Instant.now();
        String id = "5f0c6f4e-2b59-4c43-9a5e-5d0b1a6b7c8d";
        core.instances.put(id, new InstanceView(id, "another-project", "theirs", InstanceStatus.ACTIVE, "mariadb",
                "10.11", "2", 1, Optional.of("127.0.0.1"), Optional.of(36001), now, now, Optional.empty()));
        assertError(http.get(instances() + "/" + id), 404, "itemNotFound", "Instance " + id + " could not be found.");
        assertError(http.delete(instances() + "/" + id), 404, "itemNotFound", "Instance " + id + " could not be found.");
        assertThat(core.instances).containsKey(id);
    }

    @Test
    void deleteIs202AndRestartIs202() {
        String id = http.post(instances(), body(VALID)).json().get("instance").get("id").asText();
        Http.Answer restart = http.post(instances() + "/" + id + "/action", "{\"restart\": {}}");
        assertThat(restart.status()).isEqualTo(202);
        assertThat(restart.body()).isEmpty();
        assertThat(core.restarted).contains(id);
        Http.Answer delete = http.delete(instances() + "/" + id);
        assertThat(delete.status()).isEqualTo(202);
        assertThat(core.instances).doesNotContainKey(id);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"frobnicate\": {}}|400|badRequest|Invalid instance action: 'frobnicate'.",
        "{\"resize\": {\"flavorRef\": \"3\"}}|501|notImplemented|The 'resize' action is not implemented.",
        "{\"reset_status\": {}}|501|notImplemented|The 'reset_status' action is not implemented.",
        "{}|400|badRequest|The request body must name exactly one action.",
        "{\"restart\": {}, \"resize\": {}}|400|badRequest|The request body must name exactly one action.",
        "{\"restart\": 1}|400|badRequest|The 'restart' action takes an empty object: {\"restart\": {}}.",
        "not json|400|badRequest|The request body is not valid JSON."
    })
    void badActions(String action, int status, String name, String message) throws IOException {
        String id = http.post(instances(), body(VALID)).json().get("instance").get("id").asText();
        assertError(http.post(instances() + "/" + id + "/action", action), status, name, message);
    }

    @Test
    void listPagesWithLimitAndMarker() throws IOException {
        core.instances.clear();
        for (String name : new String[] {"p1", "p2", "p3"}) {
            http.post(instances(), body(VALID.replace("app1", name)));
        }
        var all = http.get(instances()).json().get("instances");
        assertThat(all.size()).isEqualTo(3);
        assertThat(http.get(instances()).json().has("links")).isFalse();

        JsonNode first = http.get(instances() + "?limit=2").json();
        assertThat(first.get("instances").size()).isEqualTo(2);
        String next = first.get("links").get(0).get("href").asText();
        assertThat(first.get("links").get(0).get("rel").asText()).isEqualTo("next");
        assertThat(next).startsWith(server.baseUri() + "v1.0/" + PROJECT + "/instances?")
                .contains("limit=2").contains("marker=" + first.get("instances").get(1).get("id").asText());

        JsonNode second = http.get(next.substring(server.baseUri().toString().length() - 1)).json();
        assertThat(second.get("instances").size()).isEqualTo(1);
        assertThat(second.has("links")).isFalse();

        assertError(http.get(instances() + "?limit=0"), 400, "badRequest", "The limit must be a positive integer.");
        assertError(http.get(instances() + "?limit=x"), 400, "badRequest", "The limit must be a positive integer.");
        assertError(http.get(instances() + "?marker=nope"), 400, "badRequest",
                "The marker nope is not an instance of this project.");
    }

    @Test
    void updateIsNotImplemented() throws IOException {
        String id = http.post(instances(), body(VALID)).json().get("instance").get("id").asText();
        assertError(http.method("PUT", instances() + "/" + id, "{\"instance\": {\"name\": \"b\"}}"), 501,
                "notImplemented", "Updating an instance is not implemented.");
    }
}
