package io.reddwarf.server;

import static io.reddwarf.server.PackagedServer.JSON;
import static io.reddwarf.server.PackagedServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged server with SIGKILL while a backup of a few hundred MB is BUILDING, starts it
 * again and checks that the backup, which runs in the host's agent, ends COMPLETED (the revived run
 * waits for the agent's run of it), the instance returns to ACTIVE with its data, no tool keeps running, no
 * partial upload is left and the backups quota counts what is held.
 */
final class BackupCrashIT {
    private static final List<String> TOOLS = List.of("backup", "dump");
    private PackagedServer server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close("backup-crash-server.log");
        }
    }

    @Test
    void killDashNineMidBackupEndsTheBackupAndFreesTheInstance() throws Exception {
        server = new PackagedServer("rdw-bcrash-", "instances.port-range=38100-38199\n");
        server.start();
        String id = server.createInstance("big", "2", 2).get("id").asText();
        waitUntil(Duration.ofSeconds(120), "instance ACTIVE", () -> status(id).equals("ACTIVE"));
        int port = server.get("/instances/" + id, "instance").get("port").asInt();
        long started = System.nanoTime();
        sql(port, "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(1000)); "
                + "INSERT INTO big SELECT seq, CONCAT(MD5(seq), REPEAT(SHA2(seq, 256), 14)) FROM seq_1_to_300000");
        System.out.println("Loaded 300000 rows of ~1 KB in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                + " ms");

        HttpResponse<String> backup = server.send("POST", "/backups",
                "{\"backup\": {\"name\": \"interrupted\", \"instance\": \"" + id + "\"}}");
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        String backupId = JSON.readTree(backup.body()).get("backup").get("id").asText();
        Path conf = server.home.resolve("instances").resolve(id).resolve("conf").resolve("client.cnf");
        waitUntil(Duration.ofSeconds(60), "backup tool running", () -> !tools(conf).isEmpty());
        String phase = backupOf(backupId).get("status").asText();
        System.out.println("Killing the server while the backup is " + phase + " with tools " + tools(conf).stream()
                .map(p -> p.info().command().orElse("?")).toList());
        assertThat(phase).as("the kill lands while the tool runs").isIn("NEW", "BUILDING");
        server.kill();

        assertThat(sql(port, "SELECT COUNT(*) FROM big")).as("the engine serves while the control plane is down")
                .isEqualTo("300000");
        server.start();
        long restarted = System.nanoTime();
        waitUntil(Duration.ofSeconds(180), "backup finished", () -> {
            String s = backupOf(backupId).get("status").asText();
            return s.equals("COMPLETED") || s.equals("FAILED");
        });
        JsonNode ended = backupOf(backupId);
        System.out.println("Backup ended " + ended.get("status").asText() + " "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted) + " ms after the restart"
                + (ended.has("fail_reason") ? ": " + ended.get("fail_reason").asText() : ""));
        // the backup runs in the host's agent, which the restarted control plane asks for the same run
        assertThat(ended.get("status").asText()).as("%s", ended).isEqualTo("COMPLETED");
        boolean completed = true;
        assertThat(server.home.resolve("backups").resolve(ended.get("locationRef").asText())).exists();
        assertThat(ended.get("checksum").asText()).hasSize(64);
        waitUntil(Duration.ofSeconds(30), "instance ACTIVE again", () -> status(id).equals("ACTIVE"));
        assertThat(sql(port, "SELECT COUNT(*) FROM big")).isEqualTo("300000");
        assertThat(tools(conf)).as("no backup tool left running").isEmpty();
        try (Stream<Path> partials = Files.list(server.home.resolve("backups").resolve(".partial"))) {
            assertThat(partials.toList()).as("no partial upload left").isEmpty();
        }
        long held = completed ? 1 : 0;
        assertThat(backupsInUse()).isEqualTo(held);
        try (Stream<Path> objects = Files.list(server.home.resolve("backups"))) {
            assertThat(objects.filter(Files::isRegularFile).count()).as("objects in the store").isEqualTo(held);
        }
    }

    private String status(String id) throws Exception {
        JsonNode instance = server.get("/instances/" + id, "instance");
        if (instance.get("status").asText().equals("ERROR")) {
            fail("instance " + id + " failed: " + instance);
        }
        return instance.get("status").asText();
    }

    private JsonNode backupOf(String id) throws Exception {
        return server.get("/backups/" + id, "backup");
    }

    private static List<ProcessHandle> tools(Path conf) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(conf.toString()) && TOOLS.stream().anyMatch(c::contains)).orElse(false)).toList();
    }

    private long backupsInUse() throws Exception {
        for (JsonNode q : server.get("/mgmt/quotas/" + server.project(), "quotas")) {
            if (q.get("resource").asText().equals("backups")) {
                return q.get("in_use").asLong();
            }
        }
        throw new AssertionError("no backups quota");
    }

    private static String sql(int port, String sql) throws Exception {
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P",
                Integer.toString(port), "-u", "alice", "-pS3cret-pass", "shop", "-N", "-e", sql)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
