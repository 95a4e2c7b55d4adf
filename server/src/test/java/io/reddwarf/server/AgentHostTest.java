package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundary between control plane and agent is the protocol, nothing else: an agent runs in a
 * network namespace of its own (a veth pair this test creates and removes; traffic stays on this
 * machine) with a home of its own, and the control plane places every instance on its host
 * ({@code provider.agent-host}). The CLI's instance tour passes against it; the engine runs in the
 * agent's namespace, its files are in the agent's home and never in the control plane's.
 */
final class AgentHostTest {
    private static final long TAG = ProcessHandle.current().pid() % 100_000;
    private static final String NETNS = "rdw-ah-" + TAG;
    private static final String HOST_LINK = "rdwh" + TAG;
    private static final String AGENT_LINK = "rdwa" + TAG;
    private static final String SUBNET = "10.231." + (TAG % 200 + 20) + ".";
    private static final String HOST_ADDRESS = SUBNET + "1";
    private static final String AGENT_ADDRESS = SUBNET + "2";

    static LiveServer live;
    static Path agentHome;
    static Process agent;

    @BeforeAll
    static void start() throws Exception {
        if (OpenStackCliTest.findOnPath("openstack") == null) {
            fail("The 'openstack' command is missing: install python3-openstackclient python3-troveclient.");
        }
        if (OpenStackCliTest.findOnPath("ip") == null) {
            fail("The 'ip' command is missing: install iproute2.");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("This test creates a network namespace and a veth pair: it must run as root.");
        }
        ip("netns", "add", NETNS);
        ip("link", "add", HOST_LINK, "type", "veth", "peer", "name", AGENT_LINK);
        ip("link", "set", AGENT_LINK, "netns", NETNS);
        ip("addr", "add", HOST_ADDRESS + "/30", "dev", HOST_LINK);
        ip("link", "set", HOST_LINK, "up");
        ip("netns", "exec", NETNS, "ip", "addr", "add", AGENT_ADDRESS + "/30", "dev", AGENT_LINK);
        ip("netns", "exec", NETNS, "ip", "link", "set", AGENT_LINK, "up");
        ip("netns", "exec", NETNS, "ip", "link", "set", "lo", "up");

        live = new LiveServer("ahost", 36970, 36979, "provider.agent-host=netns-host\ninstances.address="
                + AGENT_ADDRESS + "\nagent.bind=" + HOST_ADDRESS + "\nagent.port=0\napi.rate-limit-per-minute=100000\n");
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String agents = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/agents";
        Http.Answer enrolled = admin.post(agents, "{\"agent\": {\"name\": \"netns-host\"}}");
        assertThat(enrolled.status()).as(enrolled.body()).isBetween(200, 201);
        JsonNode credentials = enrolled.json().get("credentials");
        String agentId = enrolled.json().get("agent").get("id").asText();

        // the agent's home: nothing in it comes from the control plane's disk
        agentHome = Files.createTempDirectory("rdw-agent-host-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(agentHome.resolve("agent-key.pem"), credentials.get("key").asText());
        Files.setPosixFilePermissions(agentHome.resolve("agent-key.pem"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(agentHome.resolve("agent-cert.pem"), credentials.get("certificate").asText());
        Files.writeString(agentHome.resolve("ca.pem"), credentials.get("authority").asText());
        String url = credentials.get("control_plane_url").asText();
        assertThat(url).as("the listener's URL for agents").contains(HOST_ADDRESS);
        Files.writeString(agentHome.resolve("agent.properties"), "agent.id = " + agentId + "\ncontrol-plane.url = "
                + url + "\nheartbeat.interval = 1s\n");
        String java = ProcessHandle.current().info().command().orElseThrow();
        agent = new ProcessBuilder(List.of("ip", "netns", "exec", NETNS, java, "-Xmx128m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "io.reddwarf.agent.Main", "--home", agentHome.toString()))
                .redirectErrorStream(true).redirectOutput(agentHome.resolve("agent.log").toFile()).start();
        LiveServer.await(Duration.ofSeconds(30), () -> admin.get(agents + "/" + agentId).json().get("agent")
                .get("reachable").asBoolean(), "the agent in " + NETNS + " reports to the control plane");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (live != null) {
                live.close();
            }
        } finally {
            if (agent != null) {
                agent.destroyForcibly().waitFor();
            }
            // whatever still runs in the namespace (a failed test's engine) goes with it
            LiveServer.Result pids = LiveServer.run(List.of("ip", "netns", "pids", NETNS), null, Duration.ofSeconds(10));
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("[0-9]+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            LiveServer.run(List.of("ip", "netns", "del", NETNS), null, Duration.ofSeconds(10));
            LiveServer.run(List.of("ip", "link", "del", HOST_LINK), null, Duration.ofSeconds(10));
            if (agentHome != null) {
                io.reddwarf.host.LocalInstanceContext.deleteTree(agentHome);
            }
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        LiveServer.Result result = LiveServer.run(command, null, Duration.ofSeconds(10));
        assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
    }

    @Test
    void theCliTourPassesAgainstAnAgentInItsOwnNetworkNamespace() throws IOException {
        OpenStackCli cli = new OpenStackCli(live);
        List<String> seen = new ArrayList<>();
        OpenStackCliTest.instanceTour(live, cli, shown -> {
            String id = shown.get("id").asText();
            seen.add(id);
            assertThat(shown.get("addresses").get(0).get("address").asText()).isEqualTo(AGENT_ADDRESS);
            assertThat(Files.isDirectory(agentHome.resolve("instances").resolve(id))).as("in the agent's home").isTrue();
            assertThat(live.home.resolve("instances").resolve(id)).as("in the control plane's home").doesNotExist();
            List<ProcessHandle> engines = LiveServer.enginesOf(id);
            assertThat(engines).isNotEmpty();
            try {
                String namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(engines.getFirst().pid()), "ns", "net"))
                        .toString();
                String agents = Files.readSymbolicLink(Path.of("/proc", Long.toString(agent.pid()), "ns", "net")).toString();
                String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
                assertThat(namespace).as("the engine's network namespace").isNotEqualTo(ours);
                // the agent's process is `ip netns exec`, which execs java in the namespace
                assertThat(namespace).isEqualTo(agents);
                assertThat(Files.readString(agentHome.resolve("instances").resolve(id).resolve("conf")
                        .resolve("tls-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(seen).hasSize(1);
        assertThat(agentHome.resolve("instances").resolve(seen.getFirst())).as("released on the agent's host")
                .doesNotExist();
        assertThat(Files.readString(agentHome.resolve("agent.log"))).contains("(instance.release on " + seen.getFirst() + ")")
                .doesNotContain("S3cret-pass");
    }

    @Test
    void backupsStayOnTheAgentsHostAndRestoreFromThere() throws IOException {
        String body = "{\"instance\": {\"name\": \"%s\", \"flavorRef\": \"2\", \"volume\": {\"size\": 2}, "
                + "\"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}%s}}";
        Http.Answer created = live.http.post(live.instances(), body.formatted("remote-source", ", \"databases\": "
                + "[{\"name\": \"ledger\"}], \"users\": [{\"name\": \"bo\", \"password\": \"Bo-pass-123\", "
                + "\"databases\": [{\"name\": \"ledger\"}]}]"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        assertThat(LiveServer.mariadb(AGENT_ADDRESS, port, "bo", "Bo-pass-123", "ledger", "CREATE TABLE t (id INT "
                + "PRIMARY KEY); INSERT INTO t SELECT seq FROM seq_1_to_5000; SELECT SUM(id) FROM t").output())
                .contains("12502500");

        String backups = "/v1.0/" + live.project + "/backups";
        Http.Answer backup = live.http.post(backups, "{\"backup\": {\"name\": \"remote\", \"instance\": \"" + id
                + "\"}}");
        assertThat(backup.status()).as(backup.body()).isEqualTo(202);
        String backupId = backup.json().get("backup").get("id").asText();
        LiveServer.await(Duration.ofSeconds(120), () -> live.http.get(backups + "/" + backupId).json().get("backup")
                .get("status").asText().equals("COMPLETED"), "backup " + backupId + " completes");
        String object = live.http.get(backups + "/" + backupId).json().get("backup").get("locationRef").asText();
        assertThat(agentHome.resolve("backups").resolve(object)).as("in the agent's store").isRegularFile();
        assertThat(live.home.resolve("backups").resolve(object)).as("in the control plane's home").doesNotExist();

        Http.Answer restored = live.http.post(live.instances(), body.formatted("remote-copy",
                ", \"restorePoint\": {\"backupRef\": \"" + backupId + "\"}"));
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        String copy = restored.json().get("instance").get("id").asText();
        int copyPort = live.awaitStatus(copy, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        assertThat(LiveServer.mariadb(AGENT_ADDRESS, copyPort, "bo", "Bo-pass-123", "ledger", "SELECT SUM(id) FROM t")
                .output()).contains("12502500");

        for (String instance : List.of(copy, id)) {
            assertThat(live.http.delete(live.instances() + "/" + instance).status()).isEqualTo(202);
        }
        assertThat(live.http.delete(backups + "/" + backupId).status()).isEqualTo(202);
        LiveServer.await(Duration.ofSeconds(60), () -> !Files.exists(agentHome.resolve("backups").resolve(object))
                && !Files.exists(agentHome.resolve("instances").resolve(id))
                && !Files.exists(agentHome.resolve("instances").resolve(copy)),
                "the backup's object and both instances are removed from the agent's host");
    }
}
