package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "reddwarf-server.jar").toAbsolutePath();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;
    private int apiPort;
    private Process server;
    private String base;
    private String token;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null && server.isAlive()) {
            for (JsonNode i : listInstances()) {
                send("DELETE", "/instances/" + i.get("id").asText(), null);
            }
            waitUntil(Duration.ofSeconds(60), () -> listInstances().isEmpty());
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        if (home != null) {
            for (long pid : enginePids().keySet()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void killDashNineMidBuildLeavesNothingStuckOrOrphaned() throws Exception {
        if (!Files.isRegularFile(JAR)) {
            fail("The packaged server " + JAR + " is missing: run this test with 'mvn verify', after 'package'.");
        }
        home = LiveServer.shortHome("crash"); // engine sockets live below the home: keep its path short
        apiPort = freePort();
        Files.writeString(home.resolve("reddwarf.properties"), "instances.port-range=38000-38099\n");
        startServer();

        JsonNode steady = create("steady");
        String steadyId = steady.get("id").asText();
        waitUntil(Duration.ofSeconds(60), () -> status(steadyId).equals("ACTIVE"));
        int steadyPort = show(steadyId).get("port").asInt();
        assertThat(query(steadyPort)).as("steady instance answers before the crash").isTrue();

        List<String> building = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            building.add(create("crash" + i).get("id").asText());
        }
        Thread.sleep(150);
        server.destroyForcibly().waitFor();

        assertThat(query(steadyPort)).as("ACTIVE instance keeps serving while the control plane is down").isTrue();
        Set<String> statesSeen = new HashSet<>();
        startServer();
        long restarted = System.nanoTime();

        waitUntil(Duration.ofSeconds(60), () -> {
            for (JsonNode i : listInstances()) {
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
        for (JsonNode i : listInstances()) {
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

    private void startServer() throws Exception {
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", Integer.toString(apiPort), "--home", home.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .start();
        waitUntil(Duration.ofSeconds(60), () -> {
            if (!server.isAlive()) {
                fail("server exited: " + Files.readString(home.resolve("server.log")));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        Properties auth = new Properties();
        try (Reader r = Files.newBufferedReader(home.resolve("auth.properties"))) {
            auth.load(r);
        }
        token = auth.getProperty("demo.token");
        base = "http://127.0.0.1:" + apiPort + "/v1.0/" + auth.getProperty("demo.project");
    }

    private JsonNode create(String name) throws Exception {
        String body = """
                {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": 1},
                  "datastore": {"type": "mariadb", "version": "10.11"},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """.formatted(name);
        HttpResponse<String> r = send("POST", "/instances", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("instance");
    }

    private JsonNode show(String id) throws Exception {
        HttpResponse<String> r = send("GET", "/instances/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("instance");
    }

    private String status(String id) throws Exception {
        return show(id).get("status").asText();
    }

    private List<JsonNode> listInstances() throws Exception {
        HttpResponse<String> r = send("GET", "/instances", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).get("instances").forEach(out::add);
        return out;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("X-Auth-Token", token)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
    private Map<Long, String> enginePids() throws IOException {
        String prefix = home.resolve("instances").toString() + "/";
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
        try (Stream<Path> s = Files.list(home.resolve("instances"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + limit.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
