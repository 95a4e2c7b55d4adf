package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.server.api.ApiExceptionMapper;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every client error has Trove's JSON shape with a fixed message; nothing else ever reaches a body.
 * Runs against a whole Reddwarf (real core, MariaDB driver, HTTP server). Two instances are built
 * for the whole class: {@code ready} (the full Trove body, awaited ACTIVE where a test needs it) and
 * {@code second} (a numeric flavorRef and a digit-string size).
 */
final class ErrorShapesTest {
    static final Duration BUILD_TIMEOUT = Duration.ofSeconds(120);

    static LiveServer live;
    static Http http;
    static String project;

    static Http.Answer createdReady;
    static String ready;
    static Http.Answer restartWhileBuilding;
    static Http.Answer deleteWhileBuilding;
    static Http.Answer createdSecond;
    static String second;

    @BeforeAll
    static void start() {
        live = new LiveServer("errs", 36200, 36299);
        http = live.http;
        project = live.project;
        createdReady = http.post(instances(), "{\"instance\": {" + VALID + ", "
                + "\"databases\": [{\"name\": \"shop\", \"character_set\": \"utf8mb4\", \"collate\": \"utf8mb4_bin\"}], "
                + "\"users\": [{\"name\": \"alice\", \"password\": \"S3cret-pass\", \"databases\": [{\"name\": \"shop\"}]}], "
                + "\"nics\": [], \"availability_zone\": \"nova\", \"region_name\": \"RegionOne\", "
                + "\"access\": {\"is_public\": false}}}");
        assertThat(createdReady.status()).as(createdReady.body()).isEqualTo(200);
        ready = createdReady.json().get("instance").get("id").asText();
        // Answered while the instance is still being built (a build takes seconds).
        restartWhileBuilding = http.post(instances() + "/" + ready + "/action", "{\"restart\": {}}");
        deleteWhileBuilding = http.delete(instances() + "/" + ready);

        createdSecond = http.post(instances(),
                body("\"name\": \"second\", \"flavorRef\": 2, \"volume\": {\"size\": \"3\"}"));
        assertThat(createdSecond.status()).as(createdSecond.body()).isEqualTo(200);
        second = createdSecond.json().get("instance").get("id").asText();
    }

    /** Deletes both instances (and anything a failed test left, in either project), then stops the server. */
    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String instances() {
        return "/v1.0/" + project + "/instances";
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

    static List<String> ids(JsonNode instances) {
        List<String> ids = new ArrayList<>();
        instances.forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    static String notFound(String id) {
        return "Resource " + id + " cannot be found.";
    }

    @Test
    void createAnswers200WithTheBuildView() {
        JsonNode instance = createdReady.json().get("instance");
        assertThat(instance.get("status").asText()).isEqualTo("BUILD");
        assertThat(instance.get("name").asText()).isEqualTo("app1");
        assertThat(instance.get("created").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
        assertThat(instance.get("flavor").get("id").asText()).isEqualTo("2");
        assertThat(instance.get("volume").get("size").asInt()).isEqualTo(1);
        assertThat(instance.get("datastore").get("type").asText()).isEqualTo("mariadb");
        assertThat(instance.get("datastore").get("version").asText()).isEqualTo("10.11");
        assertThat(instance.get("region").asText()).isEqualTo("RegionOne");
        assertThat(instance.get("links").get(0).get("href").asText())
                .isEqualTo(live.server.baseUri() + "v1.0/" + project + "/instances/" + ready);
        assertThat(instance.get("links").get(1).get("href").asText())
                .isEqualTo(live.server.baseUri() + "instances/" + ready);
        assertThat(instance.has("fault")).isFalse();

        JsonNode shown = live.show(ready);
        assertThat(shown.get("name").asText()).isEqualTo("app1");
        assertThat(shown.get("flavor").get("id").asText()).isEqualTo("2");
        assertThat(shown.get("volume").get("size").asInt()).isEqualTo(1);
        assertThat(shown.get("datastore").get("type").asText()).isEqualTo("mariadb");
    }

    @Test
    void databaseAndUserOfTheBodyExistOnTheEngine() {
        JsonNode active = live.awaitStatus(ready, "ACTIVE", BUILD_TIMEOUT);
        String host = active.get("addresses").get(0).get("address").asText();
        int port = active.get("port").asInt();
        assertThat(port).isBetween(36200, 36299);
        LiveServer.Result query = LiveServer.mariadb(host, port, "alice", "S3cret-pass", "shop",
                "select @@character_set_database, @@collation_database");
        assertThat(query.exitCode()).as(query.output()).isZero();
        assertThat(query.output()).contains("utf8mb4").contains("utf8mb4_bin");
    }

    @Test
    void numericFlavorRefAndDigitStringSizeReachTheCore() {
        assertThat(createdSecond.json().get("instance").get("name").asText()).isEqualTo("second");
        JsonNode shown = live.show(second);
        assertThat(shown.get("flavor").get("id").asText()).isEqualTo("2");
        assertThat(shown.get("volume").get("size").asInt()).isEqualTo(3);
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
        assertError(http.post(instances(), body(VALID + ", \"restorePoint\": {\"backupRef\": \"b\"}")), 404,
                "itemNotFound", "Backup b cannot be found.");
        assertError(http.post(instances(), body(VALID + ", \"restorePoint\": {}")), 400,
                "badRequest", "The restorePoint must be an object with a backupRef.");
    }

    @Test
    void invalidRequestFromADriverIs400WithItsMessage() throws IOException {
        assertError(http.post(instances(), body(VALID + ", \"databases\": [{\"name\": \"mysql\"}]")), 400,
                "badRequest", "Database name 'mysql' is reserved.");
        assertError(http.post(instances(), body(VALID + ", \"users\": [{\"name\": \"root\", \"password\": \"x\"}]")),
                400, "badRequest", "User name 'root' is reserved.");
    }

    @Test
    void unexpectedFailureIs500WithoutDetails() {
        Response response = new ApiExceptionMapper().toResponse(new IllegalStateException("secret internal detail at line 42"));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getMediaType().toString()).startsWith("application/json");
        JsonNode body = Http.MAPPER.valueToTree(response.getEntity());
        assertThat(body).isEqualTo(Http.MAPPER.createObjectNode().set("instanceFault", Http.MAPPER.createObjectNode()
                .put("code", 500)
                .put("message", "The server has either erred or is incapable of performing the requested operation.")));
        assertThat(body.toString()).doesNotContain("secret", "Exception", "line 42");
    }

    @Test
    void wrongMediaTypeIs415() throws IOException {
        assertError(http.post(instances(), body(VALID), "text/plain"), 415, "badMediaType",
                "The request body must be JSON (Content-Type: application/json).");
    }

    @Test
    void unknownRouteIs404() throws IOException {
        assertError(http.get("/v1.0/" + project + "/nothing-here"), 404, "itemNotFound",
                "The resource could not be found.");
        assertError(http.get("/nothing-here"), 404, "itemNotFound", "The resource could not be found.");
    }

    @Test
    void wrongMethodIs405() throws IOException {
        assertError(http.method("PUT", instances(), "{}"), 405, "badMethod", "The method is not allowed for this resource.");
        assertError(http.method("DELETE", "/v1.0/" + project + "/flavors", null), 405, "badMethod",
                "The method is not allowed for this resource.");
    }

    @Test
    void wrongMethodNamesTheAllowedOnes() {
        assertThat(http.method("PUT", instances(), "{}").allow()).contains("GET").contains("POST");
    }

    @Test
    void acceptWithoutJsonIs406() throws IOException {
        assertError(http.getAccepting("/v1.0/" + project + "/flavors", "text/html"), 406, "notAcceptable",
                "The API only produces application/json.");
    }

    @Test
    void unknownInstanceIs404WithTrovesMessage() throws IOException {
        String id = UUID.randomUUID().toString();
        assertError(http.get(instances() + "/" + id), 404, "itemNotFound", notFound(id));
        assertError(http.delete(instances() + "/" + id), 404, "itemNotFound", notFound(id));
        assertError(http.post(instances() + "/" + id + "/action", "{\"restart\": {}}"), 404, "itemNotFound",
                notFound(id));
    }

    @Test
    void anotherProjectsInstanceIsNotFound() throws IOException {
        String adminProject = live.server.credentials().adminProject();
        String adminInstances = "/v1.0/" + adminProject + "/instances";
        Http admin = http.withToken(live.server.credentials().adminToken());
        Http.Answer created = admin.post(adminInstances, body("\"name\": \"theirs\", \"flavorRef\": \"1\", "
                + "\"volume\": {\"size\": 1}"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();

        assertError(http.get(instances() + "/" + id), 404, "itemNotFound", notFound(id));
        assertError(http.delete(instances() + "/" + id), 404, "itemNotFound", notFound(id));
        assertError(http.post(instances() + "/" + id + "/action", "{\"restart\": {}}"), 404, "itemNotFound",
                notFound(id));
        assertThat(ids(http.get(instances()).json().get("instances"))).doesNotContain(id);

        Http.Answer stillThere = admin.get(adminInstances + "/" + id);
        assertThat(stillThere.status()).as(stillThere.body()).isEqualTo(200);
        assertThat(stillThere.json().get("instance").get("name").asText()).isEqualTo("theirs");
        // LiveServer.close deletes it with the admin token.
    }

    @Test
    void restartOrDeleteWhileBuildingIs422() throws IOException {
        assertError(restartWhileBuilding, 422, "unprocessableEntity", "Instance " + ready + " is not ready.");
        assertError(deleteWhileBuilding, 422, "unprocessableEntity", "Instance " + ready + " is not ready.");
    }

    @Test
    void restartOfAnActiveInstanceIs202() {
        live.awaitStatus(ready, "ACTIVE", BUILD_TIMEOUT);
        Http.Answer restart = http.post(instances() + "/" + ready + "/action", "{\"restart\": {}}");
        assertThat(restart.status()).as(restart.body()).isEqualTo(202);
        assertThat(restart.body()).isEmpty();
        assertThat(live.show(ready).get("status").asText()).isIn("REBOOT", "ACTIVE");
        live.awaitStatus(ready, "ACTIVE", BUILD_TIMEOUT);
    }

    @Test
    void deleteOfAnActiveInstanceIs202() throws IOException {
        live.awaitStatus(second, "ACTIVE", BUILD_TIMEOUT);
        Http.Answer delete = http.delete(instances() + "/" + second);
        assertThat(delete.status()).as(delete.body()).isEqualTo(202);
        assertThat(delete.body()).isEmpty();
        LiveServer.await(Duration.ofSeconds(60), () -> http.get(instances() + "/" + second).status() == 404,
                "instance " + second + " still shown after delete");
        assertError(http.get(instances() + "/" + second), 404, "itemNotFound", notFound(second));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"frobnicate\": {}}|400|badRequest|Invalid instance action: 'frobnicate'.",
        "{\"resize\": {\"flavorRef\": \"99\"}}|404|itemNotFound|Flavor 99 could not be found.",
        "{\"resize\": {\"flavorRef\": true}}|400|badRequest|The flavorRef must be a flavor id.",
        "{\"resize\": {\"volume\": {\"size\": 1}}}|400|badRequest|The new volume size must be larger than the current volume size of 1 GB.",
        "{\"resize\": {\"volume\": {\"size\": -2}}}|400|badRequest|The volume size must be a positive integer.",
        "{\"resize\": {\"volume\": 2}}|400|badRequest|The 'resize' action takes {\"volume\": {\"size\": N}}.",
        "{\"reset_status\": {}}|403|forbidden|This operation is reserved for administrators.",
        "{}|400|badRequest|The request body must name exactly one action.",
        "{\"restart\": {}, \"resize\": {}}|400|badRequest|The request body must name exactly one action.",
        "{\"restart\": 1}|400|badRequest|The 'restart' action takes an empty object: {\"restart\": {}}.",
        "not json|400|badRequest|The request body is not valid JSON."
    })
    void badActions(String action, int status, String name, String message) throws IOException {
        assertError(http.post(instances() + "/" + ready + "/action", action), status, name, message);
    }

    @Test
    void listPagesWithLimitAndMarker() throws IOException {
        List<String> all = ids(http.get(instances()).json().get("instances"));
        assertThat(all).contains(ready).hasSizeGreaterThanOrEqualTo(1);
        assertThat(http.get(instances()).json().has("links")).isFalse();

        List<String> paged = new ArrayList<>();
        String next = instances() + "?limit=1";
        int pages = 0;
        while (next != null) {
            JsonNode page = http.get(next).json();
            assertThat(page.get("instances").size()).isEqualTo(1);
            paged.addAll(ids(page.get("instances")));
            pages++;
            if (page.has("links")) {
                String href = page.get("links").get(0).get("href").asText();
                assertThat(page.get("links").get(0).get("rel").asText()).isEqualTo("next");
                assertThat(href).startsWith(live.server.baseUri() + "v1.0/" + project + "/instances?")
                        .contains("limit=1").contains("marker=" + paged.getLast());
                next = href.substring(live.server.baseUri().toString().length() - 1);
            } else {
                next = null;
            }
        }
        assertThat(pages).isEqualTo(all.size());
        assertThat(paged).isEqualTo(all);

        assertError(http.get(instances() + "?limit=0"), 400, "badRequest", "The limit must be a positive integer.");
        assertError(http.get(instances() + "?limit=x"), 400, "badRequest", "The limit must be a positive integer.");
        assertError(http.get(instances() + "?marker=nope"), 400, "badRequest",
                "The marker nope is not an instance of this project.");
    }

    @Test
    void anUpdateMustChangeSomething() throws IOException {
        assertError(http.method("PUT", instances() + "/" + ready, "{\"instance\": {}}"), 400,
                "badRequest", "The update must change the instance's name or configuration.");
        assertError(http.method("PUT", instances() + "/" + ready, "{\"instance\": {\"configuration\": 7}}"), 400,
                "badRequest", "The configuration must be the id of a configuration group.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"instance\": {\"name\": 3}}|400|badRequest|The instance name must be a string.",
        "{\"instance\": {\"name\": \"a`b\"}}|400|badRequest|Instance name must not contain quotes, backticks, backslashes or control characters.",
        "{\"name\": \"b\"}|400|badRequest|The request body must contain an 'instance' object.",
        "[1]|400|badRequest|The request body must be a JSON object."
    })
    void badUpdates(String body, int status, String name, String message) throws IOException {
        assertError(http.method("PUT", instances() + "/" + ready, body), status, name, message);
        assertError(http.method("PATCH", instances() + "/" + ready, body), status, name, message);
    }
}
