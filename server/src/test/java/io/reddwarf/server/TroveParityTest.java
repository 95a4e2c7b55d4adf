package io.reddwarf.server;

import static io.reddwarf.server.OpenStackCliTest.findOnPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trove v1.0 parity for databases, users and root, proven with the real OpenStack CLI against one
 * live instance, and checked inside the engine with the real {@code mariadb} client.
 */
final class TroveParityTest {
    static LiveServer live;
    static OpenStackCli cli;
    static String id;
    static int port;

    @BeforeAll
    static void start() {
        if (findOnPath("openstack") == null) {
            fail("The 'openstack' command is missing: apt-get install python3-openstackclient python3-troveclient.");
        }
        live = new LiveServer("par", 36450, 36469);
        cli = new OpenStackCli(live);
        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "parity", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "seed"}], "users": [{"name": "seeder", "password": "Seed-pass1", "databases": [{"name": "seed"}]}]}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        id = created.json().get("instance").get("id").asText();
        port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String openstack(String... args) {
        return cli.run(args);
    }

    static String openstackAs(String cloud, String... args) {
        return cli.as(cloud, args);
    }

    static LiveServer.Result openstackFailing(String... args) {
        return cli.failing(args);
    }

    static JsonNode openstackJson(String... args) {
        return cli.json(args);
    }

    static LiveServer.Result sql(String user, String password, String database, String statement) {
        return LiveServer.mariadb("127.0.0.1", port, user, password, database, statement);
    }

    static String path(String suffix) {
        return live.instances() + "/" + id + suffix;
    }

    static void assertError(Http.Answer answer, int status, String name, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json().get(name).get("message").asText()).isEqualTo(message);
    }

    @Test
    void databaseCommands() {
        openstack("database", "db", "create", id, "cli_db1");
        openstack("database", "db", "create", id, "cli_db2", "--character_set", "latin1", "--collate",
                "latin1_swedish_ci");
        assertThat(openstackJson("database", "db", "list", id).findValuesAsText("Name"))
                .contains("seed", "cli_db1", "cli_db2")
                .doesNotContain("mysql", "information_schema", "performance_schema", "sys");
        openstack("database", "user", "grant", "access", id, "seeder", "cli_db2");
        LiveServer.Result charset = sql("seeder", "Seed-pass1", "seed",
                "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'cli_db2'");
        assertThat(charset.output().strip()).isEqualTo("latin1");

        openstack("database", "db", "delete", id, "cli_db1");
        assertThat(openstackJson("database", "db", "list", id).findValuesAsText("Name")).doesNotContain("cli_db1");
    }

    @Test
    void databaseRules() {
        String dbs = path("/databases");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"x1\", \"character_set\": \"klingon\"}]}"),
                400, "badRequest", "Character set 'klingon' is not supported by the engine.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"x1\", \"collate\": \"nope_ci\"}]}"),
                400, "badRequest", "Collation 'nope_ci' is not supported by the engine.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"x1\", \"character_set\": \"latin1\","
                + " \"collate\": \"utf8mb4_bin\"}]}"), 400, "badRequest",
                "Collation 'utf8mb4_bin' does not belong to character set 'latin1'.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"mysql\"}]}"), 400, "badRequest",
                "Database name 'mysql' is reserved.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"" + "d".repeat(65) + "\"}]}"), 400,
                "badRequest", "Database name '" + "d".repeat(65)
                        + "' is not valid: use 1 to 64 letters, digits, '_', '$' or '-'.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": \"seed\"}]}"), 400, "badRequest",
                "A database with the name seed already exists.");
        assertError(live.http.post(dbs, "{\"databases\": {\"name\": \"x\"}}"), 400, "badRequest",
                "'databases' must be a list.");
        assertError(live.http.post(dbs, "{\"database\": []}"), 400, "badRequest",
                "The request body must contain a 'databases' list.");
        assertError(live.http.post(dbs, "{\"databases\": [{\"name\": 7}]}"), 400, "badRequest",
                "'name' must be a string.");
        assertError(live.http.post(dbs, "{\"databases\": ["), 400, "badRequest", "The request body is not valid JSON.");
        String many = "{\"databases\": [" + String.join(", ", java.util.Collections.nCopies(101, "{\"name\": \"m\"}"))
                + "]}";
        assertError(live.http.post(dbs, many), 400, "badRequest", "'databases' may hold at most 100 entries.");
        assertError(live.http.delete(dbs + "/missing_db"), 404, "itemNotFound",
                "Database missing_db cannot be found on the instance.");
        assertError(live.http.get(live.instances() + "/00000000-0000-0000-0000-000000000000/databases"), 404,
                "itemNotFound", "Resource 00000000-0000-0000-0000-000000000000 cannot be found.");
    }

    @Test
    void databasePages() {
        Http.Answer created = live.http.post(path("/databases"),
                "{\"databases\": [{\"name\": \"page_a\"}, {\"name\": \"page_b\"}, {\"name\": \"page_c\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode first = live.http.get(path("/databases?limit=1&marker=page_a")).json();
        assertThat(first.get("databases").findValuesAsText("name")).containsExactly("page_b");
        String next = first.get("links").get(0).get("href").asText();
        assertThat(next).startsWith(live.server.baseUri().toString()).contains("limit=1").contains("marker=page_b");
        assertThat(live.http.get(path("/databases")).json().has("links")).isFalse();
        // a marker is a place in name order: the database it named may be gone by the next page
        assertThat(live.http.delete(path("/databases/page_b")).status()).isEqualTo(202);
        assertThat(live.http.get(path("/databases?limit=1&marker=page_b")).json().get("databases")
                .findValuesAsText("name")).containsExactly("page_c");
    }

    @Test
    void userCommands() {
        openstack("database", "db", "create", id, "ushop");
        openstack("database", "user", "create", id, "bob", "Bob-pass1", "--host", "%");
        JsonNode users = openstackJson("database", "user", "list", id);
        assertThat(users.findValuesAsText("Name")).contains("bob", "seeder").doesNotContain("root", "reddwarf_admin");

        JsonNode shown = openstackJson("database", "user", "show", id, "bob", "--host", "%");
        assertThat(shown.get("name").asText()).isEqualTo("bob");
        assertThat(shown.get("host").asText()).isEqualTo("%");

        assertThat(sql("bob", "Bob-pass1", "ushop", "select 1").exitCode()).isNotZero();
        openstack("database", "user", "grant", "access", id, "bob", "ushop");
        assertThat(openstackJson("database", "user", "show", "access", id, "bob").findValuesAsText("Name"))
                .containsExactly("ushop");
        LiveServer.Result read = sql("bob", "Bob-pass1", "ushop", "select 41 + 1");
        assertThat(read.exitCode()).as(read.output()).isZero();
        assertThat(read.output().strip()).isEqualTo("42");

        openstack("database", "user", "revoke", "access", id, "bob", "ushop");
        assertThat(sql("bob", "Bob-pass1", "ushop", "select 1").exitCode()).isNotZero();
        openstack("database", "user", "grant", "access", id, "bob", "ushop");

        openstack("database", "user", "update", "attributes", id, "bob", "--new_name", "robert",
                "--new_password", "Robert-pass2", "--new_host", "127.0.0.1");
        assertThat(sql("robert", "Robert-pass2", "ushop", "select 1").exitCode()).isZero();
        assertThat(sql("bob", "Bob-pass1", "ushop", "select 1").exitCode()).isNotZero();
        assertThat(openstackJson("database", "user", "show", "access", id, "robert", "--host", "127.0.0.1")
                .findValuesAsText("Name")).containsExactly("ushop");

        openstack("database", "user", "delete", id, "robert", "--host", "127.0.0.1");
        assertThat(openstackJson("database", "user", "list", id).findValuesAsText("Name")).doesNotContain("robert");
        assertThat(sql("robert", "Robert-pass2", "ushop", "select 1").exitCode()).isNotZero();
    }

    @Test
    void userRules() {
        String users = path("/users");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"root\", \"password\": \"x\"}]}"), 400,
                "badRequest", "User name 'root' is reserved.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"reddwarf_admin\", \"password\": \"x\"}]}"), 400,
                "badRequest", "User name 'reddwarf_admin' is reserved.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"" + "u".repeat(81) + "\", \"password\": \"x\"}]}"),
                400, "badRequest", "User name '" + "u".repeat(81)
                        + "' is not valid: use 1 to 80 letters, digits, '_', '.' or '-'.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"h1\", \"password\": \"x\", \"host\": \"a'b\"}]}"),
                400, "badRequest", "Host 'a'b' is not valid: use '%', 'localhost', a host name or an IP address,"
                        + " optionally with '%' or '_' wildcards.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"seeder\", \"password\": \"x\"}]}"), 400,
                "badRequest", "A user with the name seeder@% already exists.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"n1\"}]}"), 400, "badRequest",
                "Each user needs a password.");
        assertError(live.http.post(users, "{\"users\": [{\"name\": \"n1\", \"password\": \"x\","
                + " \"databases\": [{\"name\": \"nodb\"}]}]}"), 404, "itemNotFound",
                "Database nodb cannot be found on the instance.");
        assertError(live.http.get(users + "/ghost%40%25"), 404, "itemNotFound",
                "User ghost@% cannot be found on the instance.");
        assertError(live.http.method("PUT", users + "/seeder", "{\"user\": {}}"), 400, "badRequest",
                "The 'user' object must give a new name, host or password.");
        assertError(live.http.method("PUT", users + "/seeder/databases", "{\"databases\": [{\"name\": \"nodb\"}]}"),
                404, "itemNotFound", "Database nodb cannot be found on the instance.");
        assertError(live.http.delete(users + "/seeder/databases/nodb"), 404, "itemNotFound",
                "Database nodb cannot be found on the instance.");
        assertError(live.http.method("PUT", users, "{\"users\": [{\"name\": \"ghost\", \"password\": \"p\"}]}"),
                404, "itemNotFound", "User ghost@% cannot be found on the instance.");
        Http.Answer seeder = live.http.get(users + "/seeder%40%25");
        assertThat(seeder.status()).as(seeder.body()).isEqualTo(200);
        assertThat(seeder.json().get("user").get("databases").findValuesAsText("name")).contains("seed");
    }

    @Test
    void bulkPasswordChange() {
        Http.Answer created = live.http.post(path("/users"),
                "{\"users\": [{\"name\": \"pw1\", \"password\": \"Old-pass1\", \"databases\": [{\"name\": \"seed\"}]},"
                        + " {\"name\": \"pw2\", \"password\": \"Old-pass2\", \"databases\": [{\"name\": \"seed\"}]}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        Http.Answer changed = live.http.method("PUT", path("/users"),
                "{\"users\": [{\"name\": \"pw1\", \"password\": \"New-pass1\"}, {\"name\": \"pw2\", \"password\": \"New-pass2\"}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(202);
        assertThat(sql("pw1", "New-pass1", "seed", "select 1").exitCode()).isZero();
        assertThat(sql("pw2", "New-pass2", "seed", "select 1").exitCode()).isZero();
        assertThat(sql("pw1", "Old-pass1", "seed", "select 1").exitCode()).isNotZero();
    }

    @Test
    void rootCommands() {
        assertThat(openstackJson("database", "root", "show", id).get("is_root_enabled").asBoolean()).isFalse();
        JsonNode enabled = openstackJson("database", "root", "enable", id);
        assertThat(enabled.get("name").asText()).isEqualTo("root");
        String password = enabled.get("password").asText();
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        assertThat(sql("root", password, "seed", "select 1").exitCode()).isZero();
        assertThat(openstackJson("database", "root", "show", id).get("is_root_enabled").asBoolean()).isTrue();

        JsonNode given = openstackJson("database", "root", "enable", id, "--root_password", "Given-root1");
        assertThat(given.get("password").asText()).isEqualTo("Given-root1");
        assertThat(sql("root", "Given-root1", "seed", "select 1").exitCode()).isZero();

        openstack("database", "root", "disable", id);
        assertThat(sql("root", "Given-root1", "seed", "select 1").exitCode()).isNotZero();
        assertThat(openstackJson("database", "root", "show", id).get("is_root_enabled").asBoolean()).isFalse();

        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String mgmt = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/instances/" + id + "/root";
        Http.Answer history = admin.get(mgmt);
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        JsonNode root = history.json().get("root_history");
        assertThat(root.get("id").asText()).isEqualTo(id);
        assertThat(root.get("user").asText()).isEqualTo(live.project);
        assertThat(root.get("history")).hasSize(2);
        assertError(live.http.get("/v1.0/" + live.project + "/mgmt/instances/" + id + "/root"), 403, "forbidden",
                "This operation is reserved for administrators.");
        Http.Answer disable = live.http.delete(path("/root"));
        assertThat(disable.status()).isEqualTo(204);
    }

    @Test
    void adminViews() {
        String all = openstackAs("reddwarf-admin", "database", "instance", "list", "--all-projects", "-f", "json");
        assertThat(all).contains(id).contains(live.project);

        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String mgmt = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/instances";
        Http.Answer shown = admin.get(mgmt + "/" + id);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().get("instance").get("deleted").asBoolean()).isFalse();
        assertThat(shown.json().get("instance").get("tenant_id").asText()).isEqualTo(live.project);
        assertThat(admin.get(mgmt + "?deleted=true").json().get("instances").findValuesAsText("id")).doesNotContain(id);
        assertThat(admin.get(mgmt + "?deleted=False&project_id=" + live.project).json().get("instances")
                .findValuesAsText("id")).contains(id);
        assertError(admin.get(mgmt + "?deleted=maybe"), 400, "badRequest", "The 'deleted' filter must be true or false.");
        assertError(admin.get(mgmt + "/nope"), 404, "itemNotFound", "Resource nope cannot be found.");
        assertError(live.http.get("/v1.0/" + live.project + "/mgmt/instances"), 403, "forbidden",
                "This operation is reserved for administrators.");

        // another project's instance is missing, not forbidden, on every account route
        String foreign = "/v1.0/" + live.server.credentials().adminProject() + "/instances/" + id;
        for (String suffix : List.of("/databases", "/users", "/users/seeder", "/users/seeder/databases", "/root")) {
            assertError(admin.get(foreign + suffix), 404, "itemNotFound", "Resource " + id + " cannot be found.");
        }
    }

    @Test
    void quotasAndLimits() {
        JsonNode quotas = openstackJson("database", "quota", "show", live.project);
        assertThat(quotas.findValuesAsText("Resource")).containsExactly("instances", "volumes", "backups", "ram");
        assertThat(quotas.get(0).get("In Use").asInt()).isEqualTo(1);
        assertThat(quotas.get(1).get("In Use").asInt()).isEqualTo(1);

        LiveServer.Result refused = openstackFailing("database", "quota", "update", live.project, "instances", "1");
        assertThat(refused.output()).contains("This operation is reserved for administrators.");
        JsonNode updated = Http.MAPPER.valueToTree(List.of());
        String output = openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "instances", "1",
                "-f", "json");
        try {
            updated = Http.MAPPER.readTree(output);
        } catch (Exception e) {
            fail("not JSON: " + output);
        }
        assertThat(updated.get("instances").asInt()).isEqualTo(1);
        try {
            String create = """
                    {"instance": {"name": "over", "flavorRef": "1", "volume": {"size": 1}}}""";
            assertError(live.http.post(live.instances(), create), 413, "overLimit",
                    "Quota exceeded for resources: ['instances'].");
            assertThat(live.http.get(live.instances()).json().get("instances").findValuesAsText("name"))
                    .containsExactly("parity");
        } finally {
            openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "instances", "10");
        }

        String limits = openstack("database", "limit", "list", "-f", "json");
        assertThat(limits).contains("\"Verb\": \"GET\"").contains("\"Unit\": \"MINUTE\"");
        JsonNode body = live.http.get("/v1.0/" + live.project + "/limits").json().get("limits");
        assertThat(body.get(0).get("verb").asText()).isEqualTo("ABSOLUTE");
        assertThat(body.get(0).get("max_instances").asInt()).isEqualTo(10);
        assertThat(body.findValuesAsText("verb")).contains("POST", "PUT", "DELETE", "GET");
        assertThat(body.get(4).get("remaining").asInt()).isLessThan(body.get(4).get("value").asInt());
        assertThat(body.get(4).has("nextAvailable")).isTrue();
    }

    @Test
    void instanceUpdateResizeAndResetStatus() {
        openstack("database", "instance", "update", id, "--name", "parity-renamed");
        assertThat(openstackJson("database", "instance", "show", id).get("name").asText()).isEqualTo("parity-renamed");
        openstack("database", "instance", "update", id, "--name", "parity");

        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "victim", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "v"}], "users": [{"name": "vu", "password": "Victim-pass1",
                  "databases": [{"name": "v"}]}]}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String victim = created.json().get("instance").get("id").asText();
        int victimPort = live.awaitStatus(victim, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        try {
            openstack("database", "instance", "resize", "volume", victim, "2");
            assertThat(live.show(victim).get("volume").get("size").asInt()).isEqualTo(2);

            String bufferPool = "SELECT @@innodb_buffer_pool_size DIV 1048576";
            assertThat(LiveServer.mariadb("127.0.0.1", victimPort, "vu", "Victim-pass1", "v", bufferPool).output()
                    .strip()).isEqualTo("256");
            openstack("database", "instance", "resize", "flavor", victim, "m1.small");
            live.awaitStatus(victim, "ACTIVE", Duration.ofSeconds(60));
            assertThat(live.show(victim).get("flavor").get("id").asText()).isEqualTo("2");
            assertThat(LiveServer.mariadb("127.0.0.1", victimPort, "vu", "Victim-pass1", "v", bufferPool).output()
                    .strip()).isEqualTo("512");
            assertError(live.http.post(live.instances() + "/" + victim + "/action",
                    "{\"resize\": {\"flavorRef\": 2}}"), 400, "badRequest",
                    "The new flavor must differ from the current flavor 2.");
            openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "ram", "2048");
            assertError(live.http.post(live.instances() + "/" + victim + "/action",
                    "{\"resize\": {\"flavorRef\": \"3\"}}"), 413, "overLimit",
                    "Quota exceeded for resources: ['ram'].");

            openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "volumes", "3");
            assertError(live.http.post(live.instances() + "/" + victim + "/action",
                    "{\"resize\": {\"volume\": {\"size\": 3}}}"), 413, "overLimit",
                    "Quota exceeded for resources: ['volumes'].");
            assertThat(live.show(victim).get("volume").get("size").asInt()).isEqualTo(2);

            LiveServer.Result refused = openstackFailing("database", "instance", "reset", "status", victim);
            assertThat(refused.output()).contains("This operation is reserved for administrators.");
            String endpoint = live.server.baseUri() + "v1.0/" + live.project;
            openstackAs("reddwarf-admin", "--os-endpoint", endpoint, "database", "instance", "reset", "status", victim);
            assertThat(live.show(victim).get("status").asText()).isEqualTo("ERROR");
            assertThat(live.show(victim).get("fault").get("message").asText())
                    .isEqualTo("The status was reset by an administrator.");
            String notReady = "Instance " + victim + " is not ready.";
            String base = live.instances() + "/" + victim;
            assertError(live.http.get(base + "/databases"), 422, "unprocessableEntity", notReady);
            assertError(live.http.post(base + "/users", "{\"users\": [{\"name\": \"u\", \"password\": \"p\"}]}"),
                    422, "unprocessableEntity", notReady);
            assertError(live.http.post(base + "/root", ""), 422, "unprocessableEntity", notReady);
            assertError(live.http.post(base + "/action", "{\"resize\": {\"volume\": {\"size\": 5}}}"), 422,
                    "unprocessableEntity", notReady);
        } finally {
            openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "volumes", "40");
            openstackAs("reddwarf-admin", "database", "quota", "update", live.project, "ram", "-1");
            live.http.delete(live.instances() + "/" + victim);
            live.awaitGone(victim, victimPort);
        }
    }
}
