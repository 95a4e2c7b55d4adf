package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OpenStack CLI ({@code python3-openstackclient} with {@code python3-troveclient}) driven
 * by nothing but the generated {@code clouds.yaml}: the two-minute tour of the README, end to end.
 */
final class OpenStackCliTest {
    static LiveServer live;
    static OpenStackCli cli;

    @BeforeAll
    static void start() {
        String openstack = findOnPath("openstack");
        if (openstack == null) {
            fail("The 'openstack' command is missing: install python3-openstackclient python3-troveclient "
                    + "(apt-get install python3-openstackclient python3-troveclient).");
        }
        live = new LiveServer("cli", 36100, 36199);
        cli = new OpenStackCli(live);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String findOnPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static String openstack(String... args) {
        return cli.run(args);
    }

    static JsonNode openstackJson(String... args) {
        return cli.json(args);
    }

    static JsonNode awaitActive(OpenStackCli cli, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode shown = cli.json("database", "instance", "show", name);
            String status = shown.get("status").asText();
            if (status.equals("ACTIVE")) {
                return shown;
            }
            if (status.equals("ERROR") || System.nanoTime() > deadline) {
                fail(name + " did not become ACTIVE: " + shown);
            }
        }
    }

    @Test
    void catalogCommands() {
        assertThat(openstackJson("datastore", "list").findValuesAsText("Name")).contains("mariadb");
        assertThat(openstackJson("datastore", "version", "list", "mariadb").findValuesAsText("Name")).contains("10.11");
        JsonNode flavors = openstackJson("database", "flavor", "list");
        assertThat(flavors.findValuesAsText("Name")).contains("m1.tiny", "m1.small");
    }

    @Test
    void tour() {
        instanceTour(live, cli, shown -> {});
    }

    /**
     * The instance tour through the real CLI against {@code live}: create, list, show, a query as
     * the created user at the address shown, delete; {@code whileActive} checks more on the shown
     * instance before it is deleted.
     */
    static void instanceTour(LiveServer live, OpenStackCli cli, java.util.function.Consumer<JsonNode> whileActive) {
        JsonNode created = cli.json("database", "instance", "create", "app1", "--flavor", "2", "--size", "1",
                "--datastore", "mariadb", "--datastore-version", "10.11", "--databases", "shop",
                "--users", "alice:S3cret-pass");
        assertThat(created.get("name").asText()).isEqualTo("app1");
        assertThat(created.get("status").asText()).isEqualTo("BUILD");
        String id = created.get("id").asText();

        JsonNode list = cli.json("database", "instance", "list");
        assertThat(list.findValuesAsText("Name")).contains("app1");

        JsonNode shown = awaitActive(cli, "app1", Duration.ofSeconds(120));
        assertThat(shown.get("id").asText()).isEqualTo(id);
        assertThat(shown.get("datastore").asText()).isEqualTo("mariadb");
        assertThat(shown.get("datastore_version").asText()).isEqualTo("10.11");
        assertThat(shown.get("flavor").asText()).isEqualTo("2");
        assertThat(shown.get("volume").asInt()).isEqualTo(1);
        String address = shown.get("addresses").get(0).get("address").asText();
        int port = shown.get("port").asInt();
        assertThat(shown.get("ip").asText()).isEqualTo(address);

        LiveServer.Result query = LiveServer.mariadb(address, port, "alice", "S3cret-pass", "shop", "select 1");
        assertThat(query.exitCode()).as(query.output()).isZero();
        assertThat(query.output().strip()).isEqualTo("1");
        whileActive.accept(shown);

        cli.run("database", "instance", "delete", "app1");
        live.awaitGone(id, port);
        assertThat(cli.json("database", "instance", "list").findValuesAsText("Name")).doesNotContain("app1");
    }
}
