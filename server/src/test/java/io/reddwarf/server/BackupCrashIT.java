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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged server with SIGKILL while a backup of a few hundred MB is BUILDING, starts it
 * again and checks that the backup ends (COMPLETED by the revived run, or FAILED with a reason),
 * the instance returns to ACTIVE with its data, no tool of the dead server keeps running, no
 * partial upload is left and the backups quota counts what is held.
 */
final class BackupCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target", "reddwarf-server.jar").toAbsolutePath();
    private static final List<String> TOOLS = List.of("backup", "dump");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;
    private int apiPort;
    private Process server;
    private String base;
    private String token;
    private String project;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null && server.isAlive()) {
            for (JsonNode i : list("/instances", "instances")) {
                send("DELETE", "/instances/" + i.get("id").asText(), null);
            }
            waitUntil(Duration.ofSeconds(60), "instances deleted", () -> list("/instances", "instances").isEmpty());
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        if (home != null) {
            for (ProcessHandle p : processesUnder(home.resolve("instances"))) {
                p.destroyForcibly();
            }
            Files.copy(home.resolve("server.log"), Path.of("target", "backup-crash-server.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void killDashNineMidBackupEndsTheBackupAndFreesTheInstance() throws Exception {
        if (!Files.isRegularFile(JAR)) {
            fail("The packaged server " + JAR + " is missing: run this test with 'mvn verify', after 'package'.");
        }
        home = Files.createTempDirectory(Path.of("/tmp"), "rdw-bcrash-");
        apiPort = freePort();
        Files.writeString(home.resolve("reddwarf.properties"), "instances.port-range=38100-38199\n");
        startServer();

        HttpResponse<String> created = send("POST", "/instances", """
                {"instance": {"name": "big", "flavorRef": "2", "volume": {"size": 2},
                  "datastore": {"type": "mariadb", "version": "10.11"},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = JSON.readTree(created.body()).get("instance").get("id").asText();
        waitUntil(Duration.ofSeconds(120), "instance ACTIVE", () -> status(id).equals("ACTIVE"));
        int port = show(id).get("port").asInt();
        long started = System.nanoTime();
        sql(port, "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(1000)); "
                + "INSERT INTO big SELECT seq, CONCAT(MD5(seq), REPEAT(SHA2(seq, 256), 14)) FROM seq_1_to_300000");
        System.out.println("Loaded 300000 rows of ~1 KB in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                + " ms");

        HttpResponse<String> backup = send("POST", "/backups",
                "{\"backup\": {\"name\": \"interrupted\", \"instance\": \"" + id + "\"}}");
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        String backupId = JSON.readTree(backup.body()).get("backup").get("id").asText();
        Path conf = home.resolve("instances").resolve(id).resolve("conf").resolve("client.cnf");
        waitUntil(Duration.ofSeconds(60), "backup tool running", () -> !tools(conf).isEmpty());
        String phase = backupOf(backupId).get("status").asText();
        System.out.println("Killing the server while the backup is " + phase + " with tools " + tools(conf).stream()
                .map(p -> p.info().command().orElse("?")).toList());
        assertThat(phase).as("the kill lands while the tool runs").isIn("NEW", "BUILDING");
        server.destroyForcibly().waitFor();

        assertThat(sql(port, "SELECT COUNT(*) FROM big")).as("the engine serves while the control plane is down")
                .isEqualTo("300000");
        startServer();
        long restarted = System.nanoTime();
        waitUntil(Duration.ofSeconds(180), "backup finished", () -> {
            String s = backupOf(backupId).get("status").asText();
            return s.equals("COMPLETED") || s.equals("FAILED");
        });
        JsonNode ended = backupOf(backupId);
        System.out.println("Backup ended " + ended.get("status").asText() + " "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted) + " ms after the restart"
                + (ended.has("fail_reason") ? ": " + ended.get("fail_reason").asText() : ""));
        if (ended.get("status").asText().equals("FAILED")) {
            assertThat(ended.get("fail_reason").asText()).startsWith("Backup failed: ");
        } else {
            assertThat(home.resolve("backups").resolve(ended.get("locationRef").asText())).exists();
            assertThat(ended.get("checksum").asText()).hasSize(64);
        }
        waitUntil(Duration.ofSeconds(30), "instance ACTIVE again", () -> status(id).equals("ACTIVE"));
        assertThat(sql(port, "SELECT COUNT(*) FROM big")).isEqualTo("300000");
        assertThat(tools(conf)).as("no backup tool left running").isEmpty();
        try (Stream<Path> partials = Files.list(home.resolve("backups").resolve(".partial"))) {
            assertThat(partials.toList()).as("no partial upload left").isEmpty();
        }
        long held = ended.get("status").asText().equals("COMPLETED") ? 1 : 0;
        assertThat(backupsInUse()).isEqualTo(held);
        try (Stream<Path> objects = Files.list(home.resolve("backups"))) {
            assertThat(objects.filter(Files::isRegularFile).count()).as("objects in the store").isEqualTo(held);
        }
    }

    private List<ProcessHandle> tools(Path conf) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(conf.toString()) && TOOLS.stream().anyMatch(c::contains)).orElse(false)).toList();
    }

    private static List<ProcessHandle> processesUnder(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false)).toList();
    }

    private long backupsInUse() throws Exception {
        HttpResponse<String> r = send("GET", "/mgmt/quotas/" + project, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode q : JSON.readTree(r.body()).get("quotas")) {
            if (q.get("resource").asText().equals("backups")) {
                return q.get("in_use").asLong();
            }
        }
        throw new AssertionError("no backups quota: " + r.body());
    }

    private void startServer() throws Exception {
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", Integer.toString(apiPort), "--home", home.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .start();
        waitUntil(Duration.ofSeconds(60), "server answering", () -> {
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
        project = auth.getProperty("demo.project");
        base = "http://127.0.0.1:" + apiPort + "/v1.0/" + project;
    }

    private JsonNode show(String id) throws Exception {
        HttpResponse<String> r = send("GET", "/instances/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("instance");
    }

    private String status(String id) throws Exception {
        String status = show(id).get("status").asText();
        if (status.equals("ERROR")) {
            fail("instance " + id + " failed: " + show(id));
        }
        return status;
    }

    private JsonNode backupOf(String id) throws Exception {
        HttpResponse<String> r = send("GET", "/backups/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("backup");
    }

    private List<JsonNode> list(String path, String key) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(r.body()).get(key).forEach(out::add);
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

    private static String sql(int port, String sql) throws Exception {
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P",
                Integer.toString(port), "-u", "alice", "-pS3cret-pass", "shop", "-N", "-e", sql)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Duration limit, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + limit.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }
}
