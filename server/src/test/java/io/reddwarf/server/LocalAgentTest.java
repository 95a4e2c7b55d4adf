package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local provider with {@code provider.local.drivers=agent}: the drivers run in the host's
 * agent, a process of its own; the engines are its children, not the control plane's; killing the
 * agent leaves the engines serving and the provider starts the agent again.
 */
final class LocalAgentTest {
    static final Duration BUILD_TIMEOUT = Duration.ofSeconds(120);

    static LiveServer live;

    @BeforeAll
    static void start() {
        live = new LiveServer("lag", 36950, 36959, "provider.local.drivers=agent\napi.rate-limit-per-minute=100000\n");
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static ProcessHandle agentProcess() {
        return live.server.core().localAgent().orElseThrow().process()
                .orElseThrow(() -> new AssertionError("the local agent does not run"));
    }

    static long statusCommands(String instanceId) throws java.io.IOException {
        return Files.readString(live.home.resolve("agent").resolve("agent.log")).lines()
                .filter(line -> line.contains("(instance.status on " + instanceId + ")")).count();
    }

    /**
     * Asks for a MariaDB 10.11 instance of {@code flavor} with a volume of as many GB;
     * {@code more} is the rest of the body's instance object (", \"users\": [...]").
     */
    static Http.Answer create(String name, int flavor, String more) {
        return live.http.post(live.instances(), "{\"instance\": {\"name\": \"" + name + "\", \"flavorRef\": \""
                + flavor + "\", \"volume\": {\"size\": " + flavor + "}, \"datastore\": {\"type\": \"mariadb\", "
                + "\"version\": \"10.11\"}" + more + "}}");
    }

    static List<Long> ancestors(ProcessHandle process) {
        List<Long> chain = new ArrayList<>();
        Optional<ProcessHandle> parent = process.parent();
        while (parent.isPresent()) {
            chain.add(parent.get().pid());
            parent = parent.get().parent();
        }
        return chain;
    }

    @Test
    void instancesStartedByTheAgentAreNoChildrenOfItAndOutliveIt() throws Exception {
        ProcessHandle agent = agentProcess();
        JsonNode listed = live.http.withToken(live.server.credentials().adminToken())
                .get("/v1.0/" + live.server.credentials().adminProject() + "/mgmt/agents").json();
        String agentId = live.server.core().localAgent().orElseThrow().agentId();
        assertThat(listed.toString()).contains(agentId);

        Http.Answer created = create("through-agent", 1, ", \"databases\": [{\"name\": \"shop\"}], "
                + "\"users\": [{\"name\": \"clerk\", "
                + "\"password\": \"Clerk-pass-1\", \"databases\": [{\"name\": \"shop\"}]}]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();

        List<ProcessHandle> engines = LiveServer.enginesOf(id);
        assertThat(engines).as("engine processes of %s", id).isNotEmpty();
        for (ProcessHandle engine : engines) {
            List<Long> chain = ancestors(engine);
            // started by the agent (its log below names the preparation), but no JVM's child
            assertThat(chain).as("ancestors of engine %d", engine.pid())
                    .doesNotContain(agent.pid(), ProcessHandle.current().pid());
        }
        assertThat(LiveServer.mariadb("127.0.0.1", port, "clerk", "Clerk-pass-1", "shop", "select 40+2").output())
                .contains("42");
        // the health loop (every 2 s, so three probes in 6 s) reads the engine's health from the agent's
        // heartbeats, not by a command each time; a heartbeat late under load may cost one command
        LiveServer.sleep(3000);
        long probesBefore = statusCommands(id);
        LiveServer.sleep(6000);
        assertThat(live.show(id).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(statusCommands(id) - probesBefore).as("instance.status commands while the instance was idle for 6 s")
                .isLessThanOrEqualTo(1);
        assertThat(live.http.get(live.instances() + "/" + id + "/users").body()).contains("clerk");
        Http.Answer root = live.http.post(live.instances() + "/" + id + "/root", "");
        assertThat(root.status()).as(root.body()).isEqualTo(200);
        String rootPassword = root.json().get("user").get("password").asText();
        assertThat(LiveServer.mariadb("127.0.0.1", port, "root", rootPassword, "shop", "select 'root-ok'").output())
                .contains("root-ok");
        assertThat(Files.readString(live.home.resolve("agent").resolve("agent.log")))
                .as("the agent's log")
                .contains("(instance.prepare on " + id + ")")
                .doesNotContain("Clerk-pass-1")
                .doesNotContain(rootPassword);

        agent.destroyForcibly();
        agent.onExit().join();
        assertThat(LiveServer.mariadb("127.0.0.1", port, "clerk", "Clerk-pass-1", "shop", "select 'still-serving'")
                .output()).as("the engine serves while its agent is down").contains("still-serving");
        LiveServer.await(Duration.ofSeconds(15), () -> live.server.core().localAgent().orElseThrow().process()
                .map(p -> p.pid() != agent.pid()).orElse(false), "the local agent is started again");

        Http.Answer db = live.http.post(live.instances() + "/" + id + "/databases",
                "{\"databases\": [{\"name\": \"after_restart\"}]}");
        assertThat(db.status()).as(db.body()).isEqualTo(202);
        assertThat(live.http.get(live.instances() + "/" + id + "/databases").body()).contains("after_restart");

        Http.Answer restart = live.http.post(live.instances() + "/" + id + "/action", "{\"restart\": {}}");
        assertThat(restart.status()).as(restart.body()).isEqualTo(202);
        LiveServer.sleep(500);
        live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT);
        assertThat(LiveServer.mariadb("127.0.0.1", port, "clerk", "Clerk-pass-1", "shop", "select 'restarted'")
                .output()).contains("restarted");

        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }

    @Test
    void anAgentThatStopsAnsweringMakesItsInstancesBlockedWithinTenSecondsAndItsEnginesKeepServing() throws Exception {
        Http.Answer created = create("frozen-agent", 1, ", \"users\": [{\"name\": \"ann\", \"password\": \"Ann-pass-1\"}]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String agentPath = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/agents/"
                + live.server.core().localAgent().orElseThrow().agentId();
        assertThat(admin.get(agentPath).json().get("agent").get("reachable").asBoolean()).isTrue();

        ProcessHandle agent = agentProcess();
        LiveServer.Result stop = LiveServer.run(List.of("kill", "-STOP", Long.toString(agent.pid())), null,
                Duration.ofSeconds(5));
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        try {
            long frozenAt = System.nanoTime();
            LiveServer.await(Duration.ofSeconds(10), () -> live.show(id).get("status").asText().equals("BLOCKED")
                    && !admin.get(agentPath).json().get("agent").get("reachable").asBoolean(),
                    "within 10 s of its agent's last word the instance is BLOCKED and the agent unreachable");
            System.out.printf("agent frozen -> instance BLOCKED, agent unreachable in %d ms%n",
                    (System.nanoTime() - frozenAt) / 1_000_000);
            Http.Answer users = live.http.get(live.instances() + "/" + id + "/users");
            assertThat(users.status()).as(users.body()).isBetween(400, 499);
            assertThat(users.body()).doesNotContain("Exception");
            assertThat(LiveServer.mariadb("127.0.0.1", port, "ann", "Ann-pass-1", "information_schema", "select 'serving'").output())
                    .as("the engine serves while its agent is unreachable").contains("serving");
        } finally {
            LiveServer.run(List.of("kill", "-CONT", Long.toString(agent.pid())), null, Duration.ofSeconds(5));
        }
        live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(20));
        assertThat(admin.get(agentPath).json().get("agent").get("reachable").asBoolean()).isTrue();
        assertThat(agentProcess().pid()).as("the same agent, not a new one").isEqualTo(agent.pid());
        assertThat(live.http.get(live.instances() + "/" + id + "/users").body()).contains("ann");
        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }

    @Test
    void anAgentKilledInsideABuildFinishesItWhenItIsBackAndLeavesNothingBehind() throws Exception {
        ProcessHandle agent = agentProcess();
        Http.Answer created = create("agent-killed-mid-build", 1, ", \"databases\": [{\"name\": \"orders\"}]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = created.json().get("instance").path("port").asInt(0);
        java.nio.file.Path dir = live.home.resolve("instances").resolve(id);
        assertThat(live.show(id).get("status").asText()).isEqualTo("BUILD");
        // the kill lands inside the agent's prepare: its engine has started, the build has not ended
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (LiveServer.enginesOf(id).isEmpty()) {
            assertThat(System.nanoTime()).as("an engine of %s starts within 30 s", id).isLessThan(deadline);
            Thread.sleep(2);
        }
        agent.destroyForcibly();
        agent.onExit().join();

        // the restarted agent gets the prepare again, kills what the interrupted run started, and runs it again
        port = live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        assertThat(live.http.get(live.instances() + "/" + id + "/databases").body()).contains("orders");
        assertThat(Files.readString(live.home.resolve("agent").resolve("agent.log")))
                .contains("was interrupted when the agent stopped; running it again");
        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        JsonNode quotas = admin.get("/v1.0/" + live.server.credentials().adminProject() + "/mgmt/quotas/" + live.project)
                .json().get("quotas");
        int listed = live.http.get(live.instances()).json().get("instances").size();
        for (JsonNode quota : quotas) {
            if (quota.get("resource").asText().equals("instances")) {
                assertThat(quota.get("in_use").asInt()).as("instances counted against the quota").isEqualTo(listed);
            }
        }
    }

    @Test
    void backupsRunInTheAgentWhichTakesAKilledOneAgainAndRestoresThroughTheStore() throws Exception {
        Http.Answer created = create("agent-backups", 2, ", \"databases\": [{\"name\": \"ledger\"}], "
                + "\"users\": [{\"name\": \"bob\", "
                + "\"password\": \"Bob-pass-12\", \"databases\": [{\"name\": \"ledger\"}]}]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        assertThat(LiveServer.mariadb("127.0.0.1", port, "bob", "Bob-pass-12", "ledger",
                "CREATE TABLE entries (id INT PRIMARY KEY, pad VARCHAR(600)); INSERT INTO entries SELECT seq, "
                        + "REPEAT(SHA2(seq, 256), 9) FROM seq_1_to_40000; SELECT COUNT(*) FROM entries").output())
                .contains("40000");

        ProcessHandle agent = agentProcess();
        String backups = "/v1.0/" + live.project + "/backups";
        Http.Answer backup = live.http.post(backups, "{\"backup\": {\"name\": \"through-agent\", \"instance\": \""
                + id + "\"}}");
        assertThat(backup.status()).as(backup.body()).isEqualTo(202);
        String backupId = backup.json().get("backup").get("id").asText();
        // the kill lands while the agent's backup tool runs
        java.nio.file.Path options = live.home.resolve("instances").resolve(id).resolve("conf").resolve("client.cnf");
        LiveServer.await(Duration.ofSeconds(60), () -> !io.reddwarf.host.LocalProcessSupervisor
                .findProcessesReferencing(options).isEmpty(), "the backup tool runs");
        List<Long> tools = io.reddwarf.host.LocalProcessSupervisor.findProcessesReferencing(options);
        for (long tool : tools) {
            assertThat(ProcessHandle.of(tool).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the backup tool is the agent's child, not the control plane's").contains(agent.pid());
        }
        agent.destroyForcibly();
        agent.onExit().join();

        LiveServer.await(Duration.ofSeconds(120), () -> {
            String status = live.http.get(backups + "/" + backupId).json().get("backup").get("status").asText();
            assertThat(status).as("backup %s", backupId).isNotEqualTo("FAILED");
            return status.equals("COMPLETED");
        }, "the backup completes once the agent is back");
        String log = Files.readString(live.home.resolve("agent").resolve("agent.log"));
        assertThat(log).contains("(backup.run on " + id + ")")
                .contains("(backup.run) was interrupted when the agent stopped; running it again")
                .doesNotContain("Bob-pass-12");
        for (long tool : tools) {
            assertThat(ProcessHandle.of(tool).map(ProcessHandle::isAlive)).as("the interrupted run's tool %d", tool)
                    .isNotEqualTo(Optional.of(true));
        }
        try (var partials = Files.list(live.home.resolve("backups").resolve(".partial"))) {
            assertThat(partials.toList()).as("uploads left in the store").isEmpty();
        }
        // nothing the agent keeps on disk holds a command's arguments (the data keys travel in them)
        try (var journal = Files.walk(live.home.resolve("agent").resolve("journal"))) {
            for (java.nio.file.Path file : journal.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as("%s", file).doesNotContain("material");
            }
        }
        live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));

        Http.Answer restored = create("from-agent-backup", 2, ", \"restorePoint\": {\"backupRef\": \"" + backupId + "\"}");
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        String copy = restored.json().get("instance").get("id").asText();
        int copyPort = live.awaitStatus(copy, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        assertThat(LiveServer.mariadb("127.0.0.1", copyPort, "bob", "Bob-pass-12", "ledger",
                "SELECT COUNT(*), SUM(LENGTH(pad)) FROM entries").output()).contains("40000\t23040000");
        assertThat(Files.readString(live.home.resolve("agent").resolve("agent.log")))
                .contains("(backup.check)").contains("(backup.restore on " + copy + ")");

        for (String instance : List.of(copy, id)) {
            assertThat(live.http.delete(live.instances() + "/" + instance).status()).isEqualTo(202);
        }
        live.awaitGone(copy, copyPort);
        live.awaitGone(id, port);
    }

    @Test
    void anAgentKilledInsideARestartFinishesItWithOneEngine() throws Exception {
        Http.Answer created = create("agent-killed-mid-restart", 1,
                ", \"users\": [{\"name\": \"cy\", \"password\": \"Cy-pass-123\"}]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        List<ProcessHandle> before = LiveServer.enginesOf(id);
        assertThat(before).isNotEmpty();
        ProcessHandle agent = agentProcess();

        Http.Answer restart = live.http.post(live.instances() + "/" + id + "/action", "{\"restart\": {}}");
        assertThat(restart.status()).as(restart.body()).isEqualTo(202);
        // the kill lands inside the agent's restart: the old engine has stopped, the new one not started
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (before.stream().allMatch(ProcessHandle::isAlive)) {
            assertThat(System.nanoTime()).as("the engine of %s stops within 30 s", id).isLessThan(deadline);
            Thread.sleep(2);
        }
        agent.destroyForcibly();
        agent.onExit().join();

        live.awaitStatus(id, "ACTIVE", BUILD_TIMEOUT);
        assertThat(LiveServer.mariadb("127.0.0.1", port, "cy", "Cy-pass-123", "information_schema",
                "select 'restarted-once'").output()).contains("restarted-once");
        List<ProcessHandle> after = LiveServer.enginesOf(id);
        assertThat(after).as("engines of %s after the restart", id).hasSameSizeAs(before)
                .noneMatch(p -> before.stream().anyMatch(b -> b.pid() == p.pid()));
        assertThat(Files.readString(live.home.resolve("agent").resolve("agent.log")))
                .contains("(instance.restart) was interrupted when the agent stopped; running it again");
        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }
}
