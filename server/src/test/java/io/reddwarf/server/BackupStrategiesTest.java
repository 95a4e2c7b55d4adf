package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backup strategy settings and the backups quota through the real OpenStack CLI and HTTP: which
 * container a backup lands in and which tool takes it (instance setting, project setting, the
 * deployer's {@code backup.strategy.mariadb.10.11}), the backup commands of the CLI, a restore
 * with {@code instance create --backup}, and the refusals.
 */
final class BackupStrategiesTest {
    private static final String CREATE = """
            {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": 1},
              "datastore": {"type": "mariadb", "version": "10.11"},
              "databases": [{"name": "shop"}],
              "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
            """;
    static LiveServer live;
    static OpenStackCli cli;
    static Http admin;

    @BeforeAll
    static void start() {
        if (OpenStackCliTest.findOnPath("openstack") == null) {
            fail("The 'openstack' command is missing: install python3-openstackclient python3-troveclient.");
        }
        live = new LiveServer("bst", 36550, 36599, "backup.strategy.mariadb.10.11=mariadb-dump\n");
        cli = new OpenStackCli(live);
        admin = live.http.withToken(live.server.credentials().adminToken());
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    private static String strategies() {
        return "/v1.0/" + live.project + "/backup_strategies";
    }

    @Test
    void settingsChooseContainerAndToolAndTheCliDrivesBackupsEndToEnd() {
        String id = createInstance("source");
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        sql(port, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40)); "
                + "INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_2000");
        assertThat(openstackJson("database", "backup", "strategy", "list")).isEmpty();

        JsonNode first = backupWithCli("deployer-default", id);
        assertThat(first.get("strategy").asText()).as("the deployer's default for mariadb 10.11").isEqualTo("mariadb-dump");
        assertThat(objectFile(first)).isEqualTo(live.home.resolve("backups").resolve(first.get("id").asText() + ".rdwb"))
                .exists();

        JsonNode project = openstackJson("database", "backup", "strategy", "create", "--swift-container", "team-backups");
        assertThat(project.get("project_id").asText()).isEqualTo(live.project);
        assertThat(project.get("instance_id").asText()).isEmpty();
        assertThat(project.get("swift_container").asText()).isEqualTo("team-backups");
        assertThat(project.get("backend").asText()).isEqualTo("filesystem");
        JsonNode instance = openstackJson("database", "backup", "strategy", "create", "--instance-id", id,
                "--swift-container", "source.v1");
        assertThat(instance.get("instance_id").asText()).isEqualTo(id);
        JsonNode listed = openstackJson("database", "backup", "strategy", "list");
        assertThat(listed.findValuesAsText("Swift Container")).containsExactly("team-backups", "source.v1");
        assertThat(listed.findValuesAsText("Instance ID")).containsExactly("", id);
        assertThat(openstackJson("database", "backup", "strategy", "list", "--instance-id", id)
                .findValuesAsText("Swift Container")).containsExactly("source.v1");

        Http.Answer physical = live.http.post(strategies(), "{\"backup_strategy\": {\"instance_id\": \"" + id
                + "\", \"swift_container\": \"source.v1\", \"strategy\": \"mariabackup\"}}");
        assertThat(physical.status()).as(physical.body()).isEqualTo(202);
        assertThat(physical.json().get("backup_strategy").get("strategy").asText()).isEqualTo("mariabackup");

        JsonNode second = backupWithCli("instance-setting", id);
        assertThat(second.get("strategy").asText()).isEqualTo("mariabackup");
        assertThat(objectFile(second).getParent()).isEqualTo(live.home.resolve("backups").resolve("source.v1"));
        assertThat(objectFile(second)).exists();

        openstack("database", "backup", "strategy", "delete", "--instance-id", id);
        JsonNode third = backupWithCli("project-setting", id);
        assertThat(third.get("strategy").asText()).isEqualTo("mariadb-dump");
        assertThat(objectFile(third).getParent()).isEqualTo(live.home.resolve("backups").resolve("team-backups"));
        assertThat(objectFile(third)).exists();

        Http.Answer explicit = live.http.post("/v1.0/" + live.project + "/backups", "{\"backup\": {\"name\": \"x\", "
                + "\"instance\": \"" + id + "\", \"swift_container\": \"../escape\"}}");
        assertThat(explicit.status()).as(explicit.body()).isEqualTo(400);
        assertThat(explicit.json().get("badRequest").get("message").asText()).isEqualTo(INVALID_CONTAINER);

        assertThat(openstackJson("database", "backup", "list").findValuesAsText("Name"))
                .containsExactlyInAnyOrder("deployer-default", "instance-setting", "project-setting");
        assertThat(openstackJson("database", "backup", "show", "instance-setting").get("status").asText())
                .isEqualTo("COMPLETED");

        JsonNode restored = openstackJson("database", "instance", "create", "restored", "--flavor", "1", "--size", "1",
                "--datastore", "mariadb", "--datastore-version", "10.11", "--backup", second.get("id").asText());
        String restoredId = restored.get("id").asText();
        int restoredPort = live.awaitStatus(restoredId, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        assertThat(sql(restoredPort, "SELECT COUNT(*) FROM items")).isEqualTo("2000");

        openstack("database", "backup", "delete", third.get("id").asText());
        assertThat(live.http.get("/v1.0/" + live.project + "/backups/" + third.get("id").asText()).status()).isEqualTo(404);
        assertThat(objectFile(third)).doesNotExist();

        quotaOfBackups(id);

        openstack("database", "backup", "strategy", "delete");
        assertThat(openstackJson("database", "backup", "strategy", "list")).isEmpty();
        live.http.delete(live.instances() + "/" + restoredId);
        live.awaitGone(restoredId, restoredPort);
    }

    /** Two backups are held; a limit of two refuses a third with Trove's overLimit, and the usage shows them. */
    private static void quotaOfBackups(String instanceId) {
        String quota = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/quotas/" + live.project;
        assertThat(backupsInUse()).isEqualTo(2);
        Http.Answer set = admin.method("PUT", quota, "{\"quotas\": {\"backups\": 2}}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        try {
            Http.Answer refused = live.http.post("/v1.0/" + live.project + "/backups",
                    "{\"backup\": {\"name\": \"one-too-many\", \"instance\": \"" + instanceId + "\"}}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(413);
            assertThat(refused.json().get("overLimit").get("code").asInt()).isEqualTo(413);
            assertThat(refused.json().get("overLimit").get("message").asText())
                    .isEqualTo("Quota exceeded for resources: ['backups'].");
            LiveServer.Result overCli = cli.failing("database", "backup", "create", "cli-too-many", "--instance",
                    instanceId);
            assertThat(overCli.output()).contains("Quota exceeded for resources: ['backups'].");
            assertThat(live.show(instanceId).get("status").asText()).as("a refused backup leaves the instance alone")
                    .isEqualTo("ACTIVE");
            assertThat(openstackJson("database", "backup", "list").findValuesAsText("Name"))
                    .doesNotContain("one-too-many", "cli-too-many");
        } finally {
            admin.method("PUT", quota, "{\"quotas\": {\"backups\": 50}}");
        }
    }

    private static long backupsInUse() {
        JsonNode quotas = openstackJson("database", "quota", "show", live.project);
        for (JsonNode q : quotas) {
            if (q.get("Resource").asText().equals("backups")) {
                return q.get("In Use").asLong();
            }
        }
        throw new AssertionError("no backups quota in " + quotas);
    }

    @Test
    void refusals() {
        assertError(live.http.post(strategies(), "{\"backup_strategy\": {\"instance_id\": \"nope\", "
                + "\"swift_container\": \"c\"}}"), 404, "itemNotFound", "Resource nope cannot be found.");
        assertError(live.http.post(strategies(), "{\"backup_strategy\": {\"strategy\": \"tar\"}}"), 400, "badRequest",
                "Unknown backup strategy 'tar'; available are: mariabackup, mariadb-dump, mysqldump.");
        for (String bad : List.of(".hidden", "a/b", "", "x".repeat(256), "sp ace", "..")) {
            Http.Answer answer = live.http.post(strategies(), "{\"backup_strategy\": {\"swift_container\": \""
                    + bad + "\", \"strategy\": \"mariabackup\"}}");
            if (bad.isEmpty()) {
                assertThat(answer.status()).as("an empty container is no container").isEqualTo(202);
            } else {
                assertError(answer, 400, "badRequest", INVALID_CONTAINER);
            }
        }
        live.http.delete(strategies());
        assertError(live.http.post(strategies(), "{\"backup_strategy\": {}}"), 400, "badRequest",
                "A backup strategy needs a 'swift_container', a 'strategy' or both.");
        assertError(live.http.post(strategies(), "{\"strategy\": \"mariabackup\"}"), 400, "badRequest",
                "The request body must contain a 'backup_strategy' object.");
        assertError(live.http.delete(strategies()), 404, "itemNotFound",
                "No backup strategy is set for project " + live.project + ".");
        assertError(live.http.delete(strategies() + "?instance_id=nope"), 404, "itemNotFound",
                "No backup strategy is set for instance nope.");

        String other = live.server.credentials().adminProject();
        assertError(live.http.post(strategies(), "{\"backup_strategy\": {\"project_id\": \"" + other
                + "\", \"swift_container\": \"theirs\"}}"), 403, "forbidden", "This operation is reserved for administrators.");
        assertError(live.http.get(strategies() + "?project_id=" + other), 403, "forbidden",
                "This operation is reserved for administrators.");
        assertError(live.http.delete(strategies() + "?project_id=" + other), 403, "forbidden",
                "This operation is reserved for administrators.");

        String adminStrategies = "/v1.0/" + other + "/backup_strategies";
        Http.Answer forDemo = admin.post(adminStrategies, "{\"backup_strategy\": {\"project_id\": \"" + live.project
                + "\", \"swift_container\": \"set-by-admin\"}}");
        assertThat(forDemo.status()).as(forDemo.body()).isEqualTo(202);
        assertThat(forDemo.json().get("backup_strategy").get("project_id").asText()).isEqualTo(live.project);
        assertThat(live.http.get(strategies()).json().get("backup_strategies").findValuesAsText("swift_container"))
                .containsExactly("set-by-admin");
        assertThat(admin.get(adminStrategies + "?project_id=" + live.project).json().get("backup_strategies")
                .findValuesAsText("swift_container")).containsExactly("set-by-admin");
        assertThat(admin.delete(adminStrategies + "?project_id=" + live.project).status()).isEqualTo(202);
        assertThat(live.http.get(strategies()).json().get("backup_strategies")).isEmpty();
    }

    static final String INVALID_CONTAINER =
            "The container name must be 1 to 255 letters, digits, '_', '.' or '-' and must not start with '.'.";

    private static void assertError(Http.Answer answer, int status, String name, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get(name).get("code").asInt()).isEqualTo(status);
        assertThat(answer.json().get(name).get("message").asText()).isEqualTo(message);
    }

    private static String createInstance(String name) {
        Http.Answer created = live.http.post(live.instances(), CREATE.formatted(name));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("instance").get("id").asText();
    }

    /** Backs the instance up with {@code openstack database backup create}; returns the COMPLETED backup (HTTP view). */
    private static JsonNode backupWithCli(String name, String instanceId) {
        JsonNode created = openstackJson("database", "backup", "create", name, "--instance", instanceId);
        String id = created.get("id").asText();
        assertThat(created.get("status").asText()).isEqualTo("NEW");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode backup = live.http.get("/v1.0/" + live.project + "/backups/" + id).json().get("backup");
            if (backup.get("status").asText().equals("COMPLETED")) {
                live.awaitStatus(instanceId, "ACTIVE", Duration.ofSeconds(30));
                return backup;
            }
            assertThat(backup.get("status").asText()).as(backup.toString()).isNotEqualTo("FAILED");
            assertThat(System.nanoTime()).as("backup %s completes", id).isLessThan(deadline);
            LiveServer.sleep(200);
        }
    }

    private static Path objectFile(JsonNode backup) {
        return live.home.resolve("backups").resolve(backup.get("locationRef").asText());
    }

    static String openstack(String... args) {
        return cli.run(args);
    }

    static JsonNode openstackJson(String... args) {
        return cli.json(args);
    }

    private static String sql(int port, String sql) {
        LiveServer.Result result = LiveServer.mariadb("127.0.0.1", port, "alice", "S3cret-pass", "shop", sql);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }
}
