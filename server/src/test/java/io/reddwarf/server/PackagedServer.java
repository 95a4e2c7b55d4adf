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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged server ({@code target/reddwarf-server.jar}) as a separate process with a home under
 * {@code /tmp} (short enough for the engines' Unix sockets), for tests that kill it with SIGKILL and
 * start it again on the same home and API port. Its output goes to {@code home/server.log}.
 */
final class PackagedServer {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "reddwarf-server.jar").toAbsolutePath();

    final Path home;
    private final int apiPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private String base;
    private String token;
    private String project;

    /** A fresh home named {@code prefix…} with {@code properties} as its {@code reddwarf.properties}. */
    PackagedServer(String prefix, String properties) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            fail("The packaged server " + JAR + " is missing: run this test with 'mvn verify', after 'package'.");
        }
        home = Files.createTempDirectory(Path.of("/tmp"), prefix);
        // any free port for the agent listener, so that servers of several tests (or one a developer
        // runs) never meet on its default
        Files.writeString(home.resolve("reddwarf.properties"), properties
                + (properties.contains("agent.port=") ? "" : "\nagent.port=0\n"));
        try (ServerSocket s = new ServerSocket(0)) {
            apiPort = s.getLocalPort();
        }
    }

    /** Starts the server and waits until it answers; reads the demo project's credentials. */
    void start() throws Exception {
        // the jar named relative to the working directory, as scripts/start names it: the local
        // agent the server starts in its own directory must still find its classes
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("").toAbsolutePath().relativize(JAR).toString(), "--port", Integer.toString(apiPort),
                "--home", home.toString())
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .start();
        waitUntil(Duration.ofSeconds(60), "server answering", () -> {
            if (!process.isAlive()) {
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
        project = auth.getProperty("demo.project");
        base = "http://127.0.0.1:" + apiPort + "/v1.0/" + project;
    }

    /** SIGTERM, as an operator's stop, and waits for the server to exit. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGKILL to the server and to its local agent at once; the engines are left running. */
    void killWithLocalAgent() throws InterruptedException {
        List<ProcessHandle> agents = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("io.reddwarf.agent.Main")
                        && c.contains(home.resolve("agent").toString())).orElse(false))
                .toList();
        if (agents.isEmpty()) {
            throw new AssertionError("no local agent runs for " + home);
        }
        process.destroyForcibly();
        agents.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        agents.forEach(a -> a.onExit().join());
    }

    String project() {
        return project;
    }

    /**
     * Deletes the demo project's instances, stops the server, kills whatever still runs from the
     * home (engines, the local agent), keeps the log as {@code target/<logName>} and removes the home.
     */
    void close(String logName) throws Exception {
        if (process != null && process.isAlive()) {
            for (JsonNode i : list("/instances", "instances")) {
                send("DELETE", "/instances/" + i.get("id").asText(), null);
            }
            waitUntil(Duration.ofSeconds(60), "instances deleted", () -> list("/instances", "instances").isEmpty());
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(home.resolve("instances").toString())
                        || c.contains(home.resolve("agent").toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        if (Files.exists(home.resolve("server.log"))) {
            Files.copy(home.resolve("server.log"), Path.of("target", logName),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code path} is relative to {@code /v1.0/<demo project>}. */
    HttpResponse<String> send(String method, String path, String body) throws Exception {
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

    /** GETs {@code path} (200 expected) and returns the field {@code key} of its JSON body. */
    JsonNode get(String path, String key) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get(key);
    }

    List<JsonNode> list(String path, String key) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        get(path, key).forEach(out::add);
        return out;
    }

    JsonNode createInstance(String name, String flavor, int volume) throws Exception {
        HttpResponse<String> r = send("POST", "/instances", """
                {"instance": {"name": "%s", "flavorRef": "%s", "volume": {"size": %d},
                  "datastore": {"type": "mariadb", "version": "10.11"},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """.formatted(name, flavor, volume));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("instance");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Duration limit, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + limit.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
