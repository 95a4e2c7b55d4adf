package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restart, resize, backup, database and user creation, rename and delete fired at one instance at
 * the same moment, round after round: each request is carried out or refused with 422 "Instance
 * <id> is not ready." (or 404 once an accepted delete removed the instance), never a 5xx, and
 * afterwards the instance is ACTIVE with exactly what the accepted requests asked for.
 */
final class ConcurrentOperationsTest {
    private static final int ROUNDS = 10;
    /** Account requests are fired at these offsets (ms) after the others, to land inside a restart. */
    private static final List<Integer> OFFSETS = List.of(0, 15, 40, 90, 180, 350);
    private static final int HEAD_START = 10;

    static LiveServer live;

    @BeforeAll
    static void start() {
        // ten rounds of seventeen requests and the polling between them exceed the default rate limit
        live = new LiveServer("race", 36900, 36919, "api.rate-limit-per-minute=100000\n");
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    private record Sent(String what, String name, Http.Answer answer) {}

    @Test
    void operationsFiredAtOnceAreSerialisedOrRefusedNeverAServerError() throws Exception {
        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "race", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asText();
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        String instance = live.instances() + "/" + id;
        String notReady = "Instance " + id + " is not ready.";

        String flavor = "1";
        String name = "race";
        int refused = 0;
        int accepted = 0;
        boolean deleted = false;
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            for (int round = 1; round <= ROUNDS && !deleted; round++) {
                boolean last = round == ROUNDS;
                String nextFlavor = flavor.equals("1") ? "2" : "1";
                String newName = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Sent>> sent = new ArrayList<>();
                // each round another task gets a head start of a few milliseconds, so each wins some rounds
                int lead = round % 3;
                sent.add(fire(pool, go, lead == 0 ? 0 : HEAD_START, () -> new Sent("restart", "",
                        live.http.post(instance + "/action", "{\"restart\": {}}"))));
                sent.add(fire(pool, go, lead == 1 ? 0 : HEAD_START, () -> new Sent("resize", nextFlavor,
                        live.http.post(instance + "/action", "{\"resize\": {\"flavorRef\": \"" + nextFlavor + "\"}}"))));
                sent.add(fire(pool, go, lead == 2 ? 0 : HEAD_START, () -> new Sent("backup", "", live.http.post("/v1.0/" + live.project
                        + "/backups", "{\"backup\": {\"name\": \"race\", \"instance\": \"" + id + "\"}}"))));
                sent.add(fire(pool, go, 0, () -> new Sent("rename", newName,
                        live.http.method("PUT", instance, "{\"instance\": {\"name\": \"" + newName + "\"}}"))));
                if (last) {
                    sent.add(fire(pool, go, 0, () -> new Sent("delete", "", live.http.delete(instance))));
                }
                for (int i = 0; i < OFFSETS.size(); i++) {
                    String user = "u" + round + "x" + i;
                    String database = "d" + round + "x" + i;
                    sent.add(fire(pool, go, OFFSETS.get(i), () -> new Sent("user", user, live.http.post(instance
                            + "/users", "{\"users\": [{\"name\": \"" + user + "\", \"password\": \"Pw-" + user
                            + "-1\", \"databases\": [{\"name\": \"shop\"}]}]}"))));
                    sent.add(fire(pool, go, OFFSETS.get(i), () -> new Sent("database", database,
                            live.http.post(instance + "/databases", "{\"databases\": [{\"name\": \"" + database
                                    + "\"}]}"))));
                }
                go.countDown();

                List<Sent> answers = new ArrayList<>();
                for (Future<Sent> f : sent) {
                    answers.add(f.get());
                }
                boolean deleting = accepted(answers, "delete");
                for (Sent s : answers) {
                    int status = s.answer().status();
                    if (deleting && status == 404) {
                        // arrived after the accepted delete had removed the instance
                        assertThat(s.answer().json().get("itemNotFound").get("message").asText())
                                .isEqualTo("Resource " + id + " cannot be found.");
                        continue;
                    }
                    assertThat(status).as("round %d: %s %s answered %s", round, s.what(), s.name(), s.answer().body())
                            .isIn(200, 202, 422);
                    if (status == 422) {
                        refused++;
                        assertThat(s.answer().json().get("unprocessableEntity").get("message").asText())
                                .as("round %d: %s %s", round, s.what(), s.name()).isEqualTo(notReady);
                    } else {
                        accepted++;
                    }
                }
                System.out.println("Round " + round + ": " + answers.stream()
                        .map(s -> s.what() + (s.name().isEmpty() ? "" : " " + s.name()) + "=" + s.answer().status())
                        .toList());
                if (accepted(answers, "rename")) {
                    name = newName;
                }
                if (accepted(answers, "delete")) {
                    live.awaitGone(id, port);
                    deleted = true;
                    continue;
                }
                if (accepted(answers, "resize")) {
                    flavor = nextFlavor;
                }
                for (Sent s : answers) {
                    if (s.what().equals("backup") && s.answer().status() == 202) {
                        BackupFaultTest.awaitBackup(live, s.answer().json().get("backup").get("id").asText(),
                                "COMPLETED");
                    }
                }
                JsonNode settled = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120));
                assertThat(settled.get("name").asText()).isEqualTo(name);
                assertThat(settled.get("flavor").get("id").asText()).isEqualTo(flavor);
                assertThat(settled.has("fault")).as("no fault after round %d: %s", round, settled).isFalse();
                assertThat(engines(id)).as("one engine after round %d", round).hasSize(1);

                Set<String> users = Set.copyOf(live.http.get(instance + "/users").json().get("users")
                        .findValuesAsText("name"));
                Set<String> databases = Set.copyOf(live.http.get(instance + "/databases").json().get("databases")
                        .findValuesAsText("name"));
                for (Sent s : answers) {
                    boolean ok = s.answer().status() == 202;
                    if (s.what().equals("user")) {
                        assertThat(users.contains(s.name())).as("round %d: user %s (%d)", round, s.name(),
                                s.answer().status()).isEqualTo(ok);
                    } else if (s.what().equals("database")) {
                        assertThat(databases.contains(s.name())).as("round %d: database %s (%d)", round, s.name(),
                                s.answer().status()).isEqualTo(ok);
                    }
                }
                assertThat(LiveServer.mariadb("127.0.0.1", port, "alice", "S3cret-pass", "shop", "select 1")
                        .exitCode()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println(accepted + " requests carried out, " + refused + " refused with 422");
        assertThat(accepted).isPositive();
        if (!deleted) {
            assertThat(live.http.delete(instance).status()).isEqualTo(202);
            live.awaitGone(id, port);
        }
    }

    private static boolean accepted(List<Sent> answers, String what) {
        return answers.stream().anyMatch(s -> s.what().equals(what) && s.answer().status() / 100 == 2);
    }

    private static Future<Sent> fire(ExecutorService pool, CountDownLatch go, int delayMs, Supplier<Sent> request) {
        return pool.submit(() -> {
            go.await();
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            return request.get();
        });
    }

    private static List<ProcessHandle> engines(String id) {
        return LiveServer.enginesOf(id).stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                .toList();
    }
}
