package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through the HTTP API against the real core and MariaDB: back up an instance with known rows,
 * restore the backup into a new instance and compare table checksums; the refusals on the way.
 */
final class BackupApiTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "S3cret-pass";
    private static final String CREATE_WITH_SHOP = """
            {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": %d},
              "datastore": {"type": "mariadb", "version": "10.11"},
              "databases": [{"name": "shop"}],
              "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]%s}}
            """;
    static LiveServer live;

    @BeforeAll
    static void start() {
        live = new LiveServer("bkp", 36500, 36549);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    private static String backups() {
        return "/v1.0/" + live.project + "/backups";
    }

    @Test
    void backUpRestoreIntoANewInstanceAndDelete() {
        String sourceId = create("source", 2, "");
        JsonNode source = live.awaitStatus(sourceId, "ACTIVE", Duration.ofSeconds(120));
        int sourcePort = source.get("port").asInt();
        sql(sourcePort, """
                CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(10,2), data BLOB);
                INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 1.25, UNHEX(SHA2(seq, 256)) FROM seq_1_to_3000;
                CREATE TABLE notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, body TEXT);
                INSERT INTO notes (body) SELECT REPEAT('n', seq % 70) FROM seq_1_to_2000;
                """);
        String checksums = sql(sourcePort, "CHECKSUM TABLE items, notes EXTENDED");

        Http.Answer created = live.http.post(backups(),
                "{\"backup\": {\"name\": \"nightly\", \"instance\": \"" + sourceId + "\", \"description\": \"first\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode backup = created.json().get("backup");
        String backupId = backup.get("id").asText();
        assertThat(backup.get("status").asText()).isEqualTo("NEW");
        assertThat(backup.get("instance_id").asText()).isEqualTo(sourceId);
        assertThat(backup.get("strategy").asText()).isEqualTo("mariabackup");

        Http.Answer busy = live.http.post(backups(), "{\"backup\": {\"name\": \"again\", \"instance\": \"" + sourceId + "\"}}");
        assertThat(busy.status()).as(busy.body()).isEqualTo(422);
        assertThat(busy.json().get("unprocessableEntity").get("message").asText())
                .isEqualTo("Instance " + sourceId + " is not ready.");

        JsonNode completed = awaitBackup(backupId, "COMPLETED");
        assertThat(completed.get("size_bytes").asLong()).isPositive().isLessThan(completed.get("progress_bytes").asLong());
        assertThat(completed.get("checksum").asText()).hasSize(64);
        assertThat(completed.get("description").asText()).isEqualTo("first");
        assertThat(Files.exists(live.home.resolve("backups").resolve(completed.get("locationRef").asText()))).isTrue();
        live.awaitStatus(sourceId, "ACTIVE", Duration.ofSeconds(30));

        assertThat(ids(live.http.get(backups() + "?instance_id=" + sourceId))).containsExactly(backupId);
        assertThat(ids(live.http.get(backups() + "?datastore=mariadb"))).containsExactly(backupId);
        assertThat(ids(live.http.get(backups() + "?datastore=postgresql"))).isEmpty();
        assertThat(ids(live.http.get(live.instances() + "/" + sourceId + "/backups"))).containsExactly(backupId);

        sql(sourcePort, "INSERT INTO notes (body) SELECT 'later' FROM seq_1_to_500; UPDATE items SET name = 'changed' WHERE id <= 10");
        String laterChecksums = sql(sourcePort, "CHECKSUM TABLE items, notes EXTENDED");
        Http.Answer incremental = live.http.post(backups(),
                "{\"backup\": {\"name\": \"inc\", \"instance\": \"" + sourceId + "\", \"parent_id\": \"" + backupId + "\"}}");
        assertThat(incremental.status()).as(incremental.body()).isEqualTo(202);
        String incrementalId = incremental.json().get("backup").get("id").asText();
        assertThat(incremental.json().get("backup").get("parent_id").asText()).isEqualTo(backupId);
        JsonNode incrementalDone = awaitBackup(incrementalId, "COMPLETED");
        assertThat(incrementalDone.get("checksum").asText()).hasSize(64);
        live.awaitStatus(sourceId, "ACTIVE", Duration.ofSeconds(30));

        Http.Answer tooSmall = live.http.post(live.instances(), CREATE_WITH_SHOP.formatted("small", 1,
                ", \"restorePoint\": {\"backupRef\": \"" + backupId + "\"}"));
        assertThat(tooSmall.status()).as(tooSmall.body()).isEqualTo(400);
        assertThat(tooSmall.json().get("badRequest").get("message").asText())
                .isEqualTo("The volume size 1 GB is smaller than the 2 GB of the backup's instance.");
        Http.Answer unknown = live.http.post(live.instances(), CREATE_WITH_SHOP.formatted("nothing", 2,
                ", \"restorePoint\": {\"backupRef\": \"no-such-backup\"}"));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.json().get("itemNotFound").get("message").asText())
                .isEqualTo("Backup no-such-backup cannot be found.");

        String restoredId = create("restored", 2, ", \"restorePoint\": {\"backupRef\": \"" + incrementalId + "\"}");
        int restoredPort = live.awaitStatus(restoredId, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        assertThat(sql(restoredPort, "CHECKSUM TABLE items, notes EXTENDED")).isEqualTo(laterChecksums).isNotEqualTo(checksums);
        assertThat(sql(restoredPort, "SELECT COUNT(*) FROM items WHERE name = 'changed'")).isEqualTo("10");

        assertThat(live.http.delete(backups() + "/" + backupId).status()).isEqualTo(202);
        assertThat(live.http.get(backups() + "/" + backupId).status()).isEqualTo(404);
        assertThat(live.http.get(backups() + "/" + incrementalId).status()).isEqualTo(404);
        assertThat(Files.exists(live.home.resolve("backups").resolve(completed.get("locationRef").asText()))).isFalse();
        assertThat(Files.exists(live.home.resolve("backups").resolve(incrementalDone.get("locationRef").asText()))).isFalse();
        assertThat(ids(live.http.get(backups()))).isEmpty();
    }

    @Test
    void unknownInstancesAndBackupsAreNotFound() {
        Http.Answer answer = live.http.post(backups(), "{\"backup\": {\"name\": \"x\", \"instance\": \"nope\"}}");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("itemNotFound").get("message").asText()).isEqualTo("Resource nope cannot be found.");
        assertThat(live.http.get(backups() + "/nope").json().get("itemNotFound").get("message").asText())
                .isEqualTo("Backup nope cannot be found.");
        assertThat(live.http.delete(backups() + "/nope").status()).isEqualTo(404);
        assertThat(live.http.get(live.instances() + "/nope/backups").status()).isEqualTo(404);
        Http.Answer noName = live.http.post(backups(), "{\"backup\": {\"instance\": \"nope\"}}");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("badRequest").get("message").asText()).isEqualTo("The backup name is required.");
    }

    private static String create(String name, int volume, String extra) {
        Http.Answer created = live.http.post(live.instances(), CREATE_WITH_SHOP.formatted(name, volume, extra));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("instance").get("id").asText();
    }

    private static JsonNode awaitBackup(String id, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Http.Answer shown = live.http.get(backups() + "/" + id);
            assertThat(shown.status()).as(shown.body()).isEqualTo(200);
            JsonNode backup = shown.json().get("backup");
            if (backup.get("status").asText().equals(state)) {
                return backup;
            }
            assertThat(backup.get("status").asText()).as(shown.body()).isNotEqualTo("FAILED");
            assertThat(System.nanoTime()).as("backup %s reaches %s", id, state).isLessThan(deadline);
            LiveServer.sleep(100);
        }
    }

    private static java.util.List<String> ids(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        java.util.List<String> ids = new java.util.ArrayList<>();
        answer.json().get("backups").forEach(b -> ids.add(b.get("id").asText()));
        return ids;
    }

    private static String sql(int port, String sql) {
        LiveServer.Result result = LiveServer.mariadb("127.0.0.1", port, USER, PASSWORD, "shop", sql);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }
}
