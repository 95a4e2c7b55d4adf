package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Configuration groups against a real engine: one instance created with a group, then changed live,
 * changed with a restart, broken and rolled back, detached. Values are read back with the real
 * {@code mariadb} client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class ConfigurationGroupsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    static LiveServer live;
    static String groupId;
    static String instanceId;
    static String host;
    static int port;

    @BeforeAll
    static void start() {
        live = new LiveServer("cfg", 36200, 36299);
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

    static void assertError(Http.Answer answer, int status, String name, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get(name).get("message").asText()).isEqualTo(message);
    }

    static String variable(String name) {
        LiveServer.Result result = LiveServer.mariadb(host, port, "alice", "S3cret-pass", "shop",
                "SHOW GLOBAL VARIABLES LIKE '" + name + "'");
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip().split("\t")[1];
    }

    static void awaitVariable(String name, String value) {
        LiveServer.await(Duration.ofSeconds(30), () -> variable(name).equals(value),
                name + " did not become " + value + " (is " + variable(name) + ")");
    }

    static Http.Answer createGroup(String values) {
        return live.http.post(configurations(), "{\"configuration\": {\"name\": \"g\", \"values\": " + values
                + ", \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}");
    }

    @Test
    @Order(1)
    void parametersOfTheVersionAreListedWithExactBounds() {
        JsonNode list = live.http.get("/v1.0/" + live.project + "/datastores/mariadb/versions/10.11/parameters").json()
                .get("configuration-parameters");
        assertThat(list.size()).isGreaterThanOrEqualTo(30);
        Http.Answer one = live.http.get("/v1.0/" + live.project
                + "/datastores/mariadb/versions/10.11/parameters/max_binlog_cache_size");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).contains("\"max\":18446744073709551615");
        assertThat(one.json().get("restart_required").asBoolean()).isFalse();
        assertThat(one.json().get("type").asText()).isEqualTo("integer");
        String versionId = one.json().get("datastore_version_id").asText();
        JsonNode byId = live.http.get("/v1.0/" + live.project + "/datastores/versions/" + versionId
                + "/parameters/ft_min_word_len").json();
        assertThat(byId.get("restart_required").asBoolean()).isTrue();
        assertError(live.http.get("/v1.0/" + live.project + "/datastores/mariadb/versions/10.11/parameters/datadir"),
                404, "itemNotFound", "datadir is not a supported configuration parameter.");
    }

    @Test
    @Order(2)
    void invalidValuesAreRefusedWithTrovesMessages() {
        assertError(createGroup("{\"datadir\": \"/tmp\"}"), 422, "unprocessableEntity",
                "The configuration parameter datadir is not supported for this datastore: mariadb 10.11.");
        assertError(createGroup("{\"max_connections\": \"lots\"}"), 422, "unprocessableEntity",
                "The value provided for the configuration parameter max_connections is not of type integer.");
        assertError(createGroup("{\"max_connections\": 5}"), 422, "unprocessableEntity",
                "The value for the configuration parameter max_connections is less than the minimum allowed: 10");
        assertError(createGroup("{\"max_binlog_cache_size\": 18446744073709551616}"), 422, "unprocessableEntity",
                "The value for the configuration parameter max_binlog_cache_size is greater than the maximum allowed: "
                        + "18446744073709551615");
        assertError(createGroup("{\"sql_mode\": \"ANSI\\n[client]\\nuser=root\"}"), 422, "unprocessableEntity",
                "The value for the configuration parameter sql_mode must not contain line breaks, brackets, '#', "
                        + "quotes or backslashes.");
        assertThat(live.http.get(configurations()).json().get("configurations").size()).isZero();
    }

    @Test
    @Order(3)
    void anInstanceCreatedWithAGroupStartsWithItsValues() {
        Http.Answer group = createGroup("{\"max_connections\": 123, \"max_binlog_cache_size\": 18446744073709551615}");
        assertThat(group.status()).as(group.body()).isEqualTo(200);
        groupId = group.json().get("configuration").get("id").asText();
        assertThat(group.body()).contains("\"max_binlog_cache_size\":18446744073709551615");

        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "cfg-db", "flavorRef": "1", "volume": {"size": 1},
                  "datastore": {"type": "mariadb", "version": "10.11"}, "configuration": "%s",
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """.formatted(groupId));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        instanceId = created.json().get("instance").get("id").asText();
        JsonNode active = live.awaitStatus(instanceId, "ACTIVE", TIMEOUT);
        host = active.get("addresses").get(0).get("address").asText();
        port = active.get("port").asInt();

        assertThat(active.get("configuration").get("id").asText()).isEqualTo(groupId);
        assertThat(variable("max_connections")).isEqualTo("123");
        assertThat(variable("max_binlog_cache_size")).isEqualTo("18446744073709547520");
        JsonNode instances = live.http.get(configurations() + "/" + groupId + "/instances").json().get("instances");
        assertThat(instances.findValuesAsText("id")).containsExactly(instanceId);
        assertThat(live.http.get(configurations() + "/" + groupId).json().get("configuration")
                .get("instance_count").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void aGroupInUseCannotBeDeletedNorAttachedTwice() {
        assertError(live.http.delete(configurations() + "/" + groupId), 400, "badRequest",
                "A configuration group cannot be deleted if it is associated with one or more non-terminated "
                        + "instances. Detach the configuration group from all non-terminated instances and please "
                        + "try again.");
        assertError(live.http.method("PUT", live.instances() + "/" + instanceId,
                        "{\"instance\": {\"configuration\": \"" + groupId + "\"}}"), 400, "badRequest",
                "Instance " + instanceId + " already has a Configuration Group attached: " + groupId + ".");
    }

    @Test
    @Order(5)
    void aDryRunTellsWhatAppliesLiveAndWhatNeedsARestartAndChangesNothing() {
        Http.Answer plan = live.http.method("PATCH", configurations() + "/" + groupId + "?dry_run=true",
                "{\"configuration\": {\"values\": {\"max_connections\": 200, \"ft_min_word_len\": 3}}}");

        assertThat(plan.status()).as(plan.body()).isEqualTo(200);
        JsonNode instance = plan.json().get("plan").get("instances").get(0);
        assertThat(instance.get("id").asText()).isEqualTo(instanceId);
        assertThat(instance.get("apply_live").get("max_connections").asText()).isEqualTo("200");
        assertThat(instance.get("restart_required").get("ft_min_word_len").asText()).isEqualTo("3");
        assertThat(instance.get("status_after").asText()).isEqualTo("RESTART_REQUIRED");
        assertThat(live.http.get(configurations() + "/" + groupId).json().get("configuration").get("values")
                .get("max_connections").asInt()).isEqualTo(123);
        assertThat(live.show(instanceId).get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    @Order(6)
    void dynamicValuesApplyLiveAndRestartRequiredOnesWaitForARestart() {
        Http.Answer patched = live.http.method("PATCH", configurations() + "/" + groupId,
                "{\"configuration\": {\"values\": {\"max_connections\": 200, \"ft_min_word_len\": 3}}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);

        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);
        assertThat(variable("max_connections")).isEqualTo("200");
        assertThat(variable("ft_min_word_len")).isEqualTo("4");

        assertThat(live.http.post(live.instances() + "/" + instanceId + "/action", "{\"restart\": {}}").status())
                .isEqualTo(202);
        live.awaitStatus(instanceId, "ACTIVE", TIMEOUT);
        assertThat(variable("ft_min_word_len")).isEqualTo("3");
        assertThat(variable("max_connections")).isEqualTo("200");

        JsonNode effective = live.http.get(live.instances() + "/" + instanceId + "/configuration").json()
                .get("instance").get("configuration");
        assertThat(effective.get("max_connections").asInt()).isEqualTo(200);
        assertThat(effective.get("innodb_buffer_pool_size").asLong()).isEqualTo(256L << 20);
    }

    @Test
    @Order(7)
    void aValueTheEngineCannotStartWithIsRolledBackAndReportedOnTheInstance() {
        Http.Answer put = live.http.method("PUT", configurations() + "/" + groupId,
                "{\"configuration\": {\"values\": {\"max_connections\": 200, \"ft_min_word_len\": 3, "
                        + "\"innodb_buffer_pool_size\": 9223372036854775807}}}");
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);

        live.http.post(live.instances() + "/" + instanceId + "/action", "{\"restart\": {}}");
        JsonNode back = live.awaitStatus(instanceId, "ACTIVE", TIMEOUT);

        assertThat(back.get("fault").get("message").asText())
                .startsWith("The engine did not start with the new configuration, so the previous configuration "
                        + "was restored: ");
        assertThat(variable("innodb_buffer_pool_size")).isEqualTo(Long.toString(256L << 20));
        assertThat(variable("ft_min_word_len")).isEqualTo("3");
    }

    @Test
    @Order(8)
    void anEngineThatCrashesWithAPendingBadValueComesBackWithThePreviousFile() {
        Http.Answer patched = live.http.method("PATCH", configurations() + "/" + groupId,
                "{\"configuration\": {\"values\": {\"max_connections\": 201}}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);
        awaitVariable("max_connections", "201");

        LiveServer.enginesOf(instanceId).forEach(ProcessHandle::destroyForcibly);

        LiveServer.await(TIMEOUT, () -> {
            JsonNode shown = live.show(instanceId);
            return shown.get("status").asText().equals("ACTIVE") && shown.has("fault");
        }, "instance " + instanceId + " did not come back ACTIVE with a fault");
        assertThat(variable("innodb_buffer_pool_size")).isEqualTo(Long.toString(256L << 20));
    }

    @Test
    @Order(9)
    void detachingPutsTheFlavorsValuesBackAndTheGroupCanThenBeDeleted() {
        Http.Answer detached = live.http.method("PUT", live.instances() + "/" + instanceId,
                "{\"instance\": {\"configuration\": null}}");
        assertThat(detached.status()).as(detached.body()).isEqualTo(202);

        awaitVariable("max_connections", "64");
        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);
        assertThat(live.show(instanceId).has("fault")).isFalse();
        assertThat(live.show(instanceId).has("configuration")).isFalse();
        assertThat(live.http.delete(configurations() + "/" + groupId).status()).isEqualTo(202);
        assertThat(live.http.get(configurations() + "/" + groupId).status()).isEqualTo(404);
    }

    @Test
    @Order(10)
    void oneUpdateRenamesAndDetachesTogether() {
        Http.Answer renamed = live.http.method("PUT", live.instances() + "/" + instanceId,
                "{\"instance\": {\"name\": \"cfg-db-2\", \"configuration\": null}}");

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(202);
        assertThat(live.show(instanceId).get("name").asText()).isEqualTo("cfg-db-2");
    }

    @Test
    @Order(11)
    void anInstanceWaitingForARestartTakesAccountsBackupsAndAResizeWhichRestartsIt() {
        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);
        Http.Answer user = live.http.post(live.instances() + "/" + instanceId + "/users",
                "{\"users\": [{\"name\": \"waiting\", \"password\": \"Waiting-pass-1\"}]}");
        assertThat(user.status()).as(user.body()).isEqualTo(202);

        String backups = "/v1.0/" + live.project + "/backups";
        Http.Answer backup = live.http.post(backups, "{\"backup\": {\"name\": \"pending\", \"instance\": \""
                + instanceId + "\"}}");
        assertThat(backup.status()).as(backup.body()).isEqualTo(202);
        String backupId = backup.json().get("backup").get("id").asText();
        LiveServer.await(TIMEOUT, () -> live.http.get(backups + "/" + backupId).json().get("backup").get("status")
                .asText().equals("COMPLETED"), "the backup of an instance waiting for a restart completes");
        live.awaitStatus(instanceId, "RESTART_REQUIRED", TIMEOUT);

        Http.Answer resize = live.http.post(live.instances() + "/" + instanceId + "/action",
                "{\"resize\": {\"flavorRef\": \"2\"}}");
        assertThat(resize.status()).as(resize.body()).isEqualTo(202);
        LiveServer.sleep(500);
        JsonNode resized = live.awaitStatus(instanceId, "ACTIVE", TIMEOUT);
        assertThat(resized.get("flavor").get("id").asText()).isEqualTo("2");
        assertThat(live.http.delete(backups + "/" + backupId).status()).isEqualTo(202);
    }
}
