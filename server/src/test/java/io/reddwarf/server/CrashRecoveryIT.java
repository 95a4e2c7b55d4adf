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
 * Kills the packaged server with SIGKILL while five instances build, starts it again and checks the
 * crash-safety promises: every instance settles (ACTIVE or ERROR) within 60 s, no engine process and
 * no directory exists without a live record, exactly one engine runs per ACTIVE instance, and an
 * instance that was ACTIVE kept serving queries while the control plane was down.
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
        Thread.sleep(150);
        server.kill();

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
        assertThat(statuses).containsEntry(steadyId, "ACTIVE");

        Map<Long, String> engines = enginePids();
        Set<String> dirs = instanceDirs();
        assertThat(dirs).as("no directory without a record").isSubsetOf(statuses.keySet());
        assertThat(new HashSet<>(engines.values())).as("no engine without a record").isSubsetOf(statuses.keySet());
        for (Map.Entry<String, String> e : statuses.entrySet()) {
            long count = engines.values().stream().filter(e.getKey()::equals).count();
            if (e.getValue().equals("ACTIVE")) {
                assertThat(count).as("exactly one engine for ACTIVE instance %s", e.getKey()).isEqualTo(1);
                assertThat(query(show(e.getKey()).get("port").asInt())).isTrue();
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

    /** Engine processes running from this home's instance directories, by pid, with their instance id. */
    private Map<Long, String> enginePids() {
        String prefix = server.home.resolve("instances").toString() + "/";
        Map<Long, String> found = new TreeMap<>();
        ProcessHandle.allProcesses().forEach(h -> h.info().commandLine().ifPresent(cmd -> {
            int at = cmd.indexOf(prefix);
            if (cmd.contains("mariadbd") && at >= 0 && cmd.length() >= at + prefix.length() + 36) {
                found.put(h.pid(), cmd.substring(at + prefix.length(), at + prefix.length() + 36));
            }
        }));
        return found;
    }

    private Set<String> instanceDirs() throws IOException {
        try (Stream<Path> s = Files.list(server.home.resolve("instances"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
