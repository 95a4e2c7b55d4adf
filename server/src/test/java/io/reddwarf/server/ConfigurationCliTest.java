package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OpenStack CLI's configuration commands ({@code openstack database configuration …}) on
 * one instance, driven by nothing but the generated {@code clouds.yaml}; values are read back with
 * the real {@code mariadb} client.
 */
final class ConfigurationCliTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    static LiveServer live;
    static Map<String, String> env;

    @BeforeAll
    static void start() {
        if (OpenStackCliTest.findOnPath("openstack") == null) {
            fail("The 'openstack' command is missing: install python3-openstackclient python3-troveclient.");
        }
        live = new LiveServer("ccl", 36300, 36399);
        env = Map.of("OS_CLIENT_CONFIG_FILE", live.server.cloudsYaml().toString());
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static LiveServer.Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-cloud", "reddwarf", "database",
                "configuration"));
        command.addAll(List.of(args));
        return LiveServer.run(command, env, Duration.ofSeconds(120));
    }

    static String cli(String... args) {
        LiveServer.Result result = run(args);
        assertThat(result.exitCode()).as("%s\n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    static JsonNode cliJson(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-f", "json"));
        String output = cli(all.toArray(String[]::new));
        try {
            return Http.MAPPER.readTree(output);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + output, e);
        }
    }

    static void awaitVariable(String host, int port, String name, String value) {
        LiveServer.await(Duration.ofSeconds(30), () -> {
            LiveServer.Result r = LiveServer.mariadb(host, port, "alice", "S3cret-pass", "shop",
                    "SHOW GLOBAL VARIABLES LIKE '" + name + "'");
            return r.exitCode() == 0 && r.output().strip().endsWith("\t" + value);
        }, name + " did not become " + value);
    }

    @Test
    void parameterListAndShow() {
        JsonNode list = cliJson("parameter", "list", "10.11", "--datastore", "mariadb");
        assertThat(list.findValuesAsText("Name")).contains("max_connections", "ft_min_word_len", "max_binlog_cache_size");
        JsonNode shown = cliJson("parameter", "show", "10.11", "max_binlog_cache_size", "--datastore", "mariadb");
        assertThat(shown.get("max").asText()).isEqualTo("18446744073709551615");
        assertThat(shown.get("type").asText()).isEqualTo("integer");
        assertThat(shown.get("restart_required").asBoolean()).isFalse();
    }

    @Test
    void createRefusesAnUnknownParameter() {
        LiveServer.Result result = run("create", "bad", "{\"datadir\": \"/tmp\"}", "--datastore", "mariadb",
                "--datastore-version", "10.11");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output())
                .contains("The configuration parameter datadir is not supported for this datastore: mariadb 10.11.");
    }

    @Test
    void groupLifecycleOnAnInstance() {
        JsonNode created = cliJson("create", "cli-group", "{\"max_connections\": 150}", "--datastore", "mariadb",
                "--datastore-version", "10.11", "--description", "made by the CLI");
        String groupId = created.get("id").asText();
        assertThat(created.get("name").asText()).isEqualTo("cli-group");
        assertThat(created.get("values").asText()).isEqualTo("{\"max_connections\": 150}");
        assertThat(cliJson("list").findValuesAsText("Name")).contains("cli-group");
        assertThat(cliJson("show", "cli-group").get("description").asText()).isEqualTo("made by the CLI");

        Http.Answer instance = live.http.post(live.instances(), """
                {"instance": {"name": "cli-cfg", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """);
        assertThat(instance.status()).as(instance.body()).isEqualTo(200);
        String instanceId = instance.json().get("instance").get("id").asText();
        JsonNode active = live.awaitStatus(instanceId, "ACTIVE", TIMEOUT);
        String host = active.get("addresses").get(0).get("address").asText();
        int port = active.get("port").asInt();

        cli("attach", "cli-cfg", "cli-group");
        awaitVariable(host, port, "max_connections", "150");
        LiveServer.Result shown = LiveServer.run(List.of("openstack", "--os-cloud", "reddwarf", "database",
                "instance", "show", "cli-cfg", "-c", "configuration", "-f", "value"), env, Duration.ofSeconds(120));
        assertThat(shown.output().strip()).as(shown.output()).isEqualTo(groupId);
        assertThat(cliJson("instances", "cli-group").findValuesAsText("ID")).containsExactly(instanceId);

        cli("parameter", "set", groupId, "{\"max_connections\": 170}");
        awaitVariable(host, port, "max_connections", "170");
        cli("set", groupId, "{\"max_connections\": 180, \"wait_timeout\": 600}");
        awaitVariable(host, port, "max_connections", "180");
        awaitVariable(host, port, "wait_timeout", "600");
        JsonNode effective = cliJson("default", "cli-cfg");
        assertThat(effective.get("max_connections").asInt()).isEqualTo(180);

        cli("detach", "cli-cfg");
        awaitVariable(host, port, "max_connections", "64");
        cli("delete", "cli-group");
        assertThat(cliJson("list").findValuesAsText("Name")).doesNotContain("cli-group");
    }
}
