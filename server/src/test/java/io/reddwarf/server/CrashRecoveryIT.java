package io.reddwarf.server;

import static io.reddwarf.server.PackagedServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged server with SIGKILL while five instances build (at least one of them provably
 * half-way: its files exist, its data directory is not prepared yet), starts it again and checks
 * the crash-safety promises: every instance settles (ACTIVE or ERROR) within 60 s, no engine process
 * and no directory exists without a live record, exactly one engine runs per ACTIVE instance and no
 * process at all per ERROR instance (one interrupted build is made unable to resume, so there is
 * one), and an instance that was ACTIVE kept serving queries while the control plane was down.
 */
final class CrashRecoveryIT {
    private PackagedServer server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close("crash-recovery-server.log");
        }
    }

    @Test
    void killDashNineMidBuildLeavesNothingStuckOrOrphaned() throws Exception {
        server = new PackagedServer("rdw-crash-", "instances.port-range=38000-38099\n");
        server.start();

        String steadyId = server.createInstance("steady", "1", 1).get("id").asText();
        waitUntil(Duration.ofSeconds(60), "steady instance ACTIVE", () -> status(steadyId).equals("ACTIVE"));
        int steadyPort = show(steadyId).get("port").asInt();
        assertThat(query(steadyPort)).as("steady instance answers before the crash").isTrue();

        List<String> building = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            building.add(server.createInstance("crash" + i, "1", 1).get("id").asText());
        }
        // the kill must land inside builds: once one has files on disk, at once
        Path instancesDir = server.home.resolve("instances");
        waitUntil(Duration.ofSeconds(30), "a build has started on disk",
                () -> building.stream().anyMatch(id -> Files.isDirectory(instancesDir.resolve(id))));
        // the control plane's processes die together (the server and its local agent, which runs the builds),
        // as when the control plane's host fails; the engines they started are left running
        server.killWithLocalAgent();
        // a build is in flight when its files exist and the driver has not marked its data directory prepared
        List<String> inFlight = building.stream()
                .filter(id -> Files.isDirectory(instancesDir.resolve(id)))
                .filter(id -> !Files.exists(instancesDir.resolve(id).resolve("data").resolve(".reddwarf-prepared")))
                .toList();
        System.out.println(inFlight.size() + " of " + building.size() + " builds were in flight when the server was killed");
        assertThat(inFlight).as("builds in flight when the server was killed").isNotEmpty();
        // one interrupted build cannot resume (its data directory turned into a file while the server was down):
        // it must end in ERROR, and with it whatever the first attempt started
        String broken = inFlight.getFirst();
        System.out.println("The build that cannot resume had " + instanceProcesses(true).values().stream()
                .filter(broken::equals).count() + " engine(s) running when the server was killed");
        Path brokenData = instancesDir.resolve(broken).resolve("data");
        deleteTree(brokenData);
        Files.writeString(brokenData, "not a directory");

        assertThat(query(steadyPort)).as("ACTIVE instance keeps serving while the control plane is down").isTrue();
        Set<String> statesSeen = new HashSet<>();
        server.start();
        long restarted = System.nanoTime();

        waitUntil(Duration.ofSeconds(60), "every instance settled", () -> {
            for (JsonNode i : server.list("/instances", "instances")) {
                String s = i.get("status").asText();
                statesSeen.add(s);
                if (!s.equals("ACTIVE") && !s.equals("ERROR")) {
                    return false;
                }
            }
            return true;
        });
        long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        System.out.println("All instances settled " + settledMs + " ms after the restart; states seen: " + statesSeen);

        Map<String, String> statuses = new TreeMap<>();
        for (JsonNode i : server.list("/instances", "instances")) {
            statuses.put(i.get("id").asText(), i.get("status").asText());
        }
        assertThat(statuses.keySet()).containsAll(building).contains(steadyId);
        assertThat(statuses).containsEntry(steadyId, "ACTIVE").containsEntry(broken, "ERROR");
        assertThat(show(broken).get("fault").get("message").asText()).startsWith("Build failed: ");

        Map<Long, String> engines = instanceProcesses(true);
        Map<Long, String> processes = instanceProcesses(false);
        Set<String> dirs = instanceDirs();
        assertThat(dirs).as("no directory without a record").isSubsetOf(statuses.keySet());
        assertThat(new HashSet<>(processes.values())).as("no process without a record").isSubsetOf(statuses.keySet());
        for (Map.Entry<String, String> e : statuses.entrySet()) {
            long count = engines.values().stream().filter(e.getKey()::equals).count();
            if (e.getValue().equals("ACTIVE")) {
                assertThat(count).as("exactly one engine for ACTIVE instance %s", e.getKey()).isEqualTo(1);
                assertThat(query(show(e.getKey()).get("port").asInt())).isTrue();
            } else {
                assertThat(processes).as("no engine or other process left for ERROR instance %s", e.getKey())
                        .doesNotContainValue(e.getKey());
            }
        }
        assertThat(query(steadyPort)).isTrue();
    }

    private JsonNode show(String id) throws Exception {
        return server.get("/instances/" + id, "instance");
    }

    private String status(String id) throws Exception {
        return show(id).get("status").asText();
    }

    /** Runs the real client against the instance as the user created with it. */
    private static boolean query(int port) throws Exception {
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", Integer.toString(port),
                "-u", "alice", "-pS3cret-pass", "shop", "-e", "select 1")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 && out.contains("1");
    }

    /** Processes running from this home's instance directories (engines, their sandboxes, tools), by pid, with their instance id. */
    private Map<Long, String> instanceProcesses(boolean enginesOnly) {
        String prefix = server.home.resolve("instances").toString() + "/";
        Map<Long, String> found = new TreeMap<>();
        ProcessHandle.allProcesses()
                // an engine is the mariadbd executable itself, not the sandbox whose command line names it
                .filter(h -> !enginesOnly || h.info().command().map(c -> c.endsWith("/mariadbd")).orElse(false))
                .forEach(h -> h.info().commandLine().ifPresent(cmd -> {
                    int at = cmd.indexOf(prefix);
                    if (at >= 0 && cmd.length() >= at + prefix.length() + 36) {
                        found.put(h.pid(), cmd.substring(at + prefix.length(), at + prefix.length() + 36));
                    }
                }));
        return found;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Set<String> instanceDirs() throws IOException {
        try (Stream<Path> s = Files.list(server.home.resolve("instances"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
