package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engines that hang or keep stopping, through the API of a real server with real engines: the
 * status says what the engine does, the fault says what the health loop did about it, a hung
 * engine is killed and started again (and can be restarted through the API), and an engine that
 * cannot start is tried again with growing waits instead of every few seconds.
 */
final class EngineRecoveryTest {
    private static final int HANG_PROBES = 4;
    /** The tests poll the API every 50 ms. */
    private static final String WATCHING = "api.rate-limit-per-minute=100000\n";
    private static final Pattern ATTEMPTS = Pattern.compile("\\((\\d+) attempts? in a row\\)");

    /** Probes every 250 ms, kills an engine after four unanswered probes, backs off 1 s doubling up to 4 s. */
    static LiveServer live;
    /** Probes every 250 ms and never kills an engine by itself. */
    static LiveServer patient;

    @BeforeAll
    static void start() {
        live = new LiveServer("erec", 36920, 36929, "health.interval-ms=250\nhealth.hang-probes=" + HANG_PROBES
                + "\nhealth.restart-backoff-ms=1000\nhealth.restart-backoff-max-ms=4000\nhealth.stable-seconds=600\n"
                + WATCHING);
        patient = new LiveServer("epat", 36930, 36939, "health.interval-ms=250\nhealth.hang-probes=100000\n" + WATCHING);
    }

    @AfterAll
    static void stop() {
        try {
            live.close();
        } finally {
            patient.close();
        }
    }

    @Test
    void aHungEngineIsBlockedThenKilledAndStartedAgainWithAFault() {
        String id = create(live, "hung");
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        long engine = onlyEngine(id);

        signal("STOP", engine);
        long stopped = System.nanoTime();
        await(live, id, "BLOCKED", Duration.ofSeconds(10));
        long blocked = System.nanoTime();
        LiveServer.await(Duration.ofSeconds(30), () -> ProcessHandle.of(engine).isEmpty(), "hung engine " + engine
                + " killed");
        long killed = System.nanoTime();
        // ERROR (its engine is down) while it starts again
        await(live, id, "ACTIVE", Duration.ofSeconds(30));
        JsonNode active = live.show(id);
        long back = System.nanoTime();
        System.out.printf("Hung engine (probe every 250 ms, %d probes): BLOCKED after %d ms, killed after %d ms,"
                + " ACTIVE again after %d ms%n", HANG_PROBES, millis(stopped, blocked), millis(stopped, killed),
                millis(stopped, back));

        assertThat(active.get("fault").get("message").asText()).matches("The engine did not answer " + HANG_PROBES
                + " health checks in a row over \\d+ s; Reddwarf killed it and started it again\\.");
        assertThat(onlyEngine(id)).isNotEqualTo(engine);
        assertThat(query(port)).isTrue();

        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }

    @Test
    void aHungEngineCanBeRestartedThroughTheApi() {
        String id = create(patient, "frozen");
        int port = patient.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        long engine = onlyEngine(id);
        String instance = patient.instances() + "/" + id;

        signal("STOP", engine);
        await(patient, id, "BLOCKED", Duration.ofSeconds(10));
        Http.Answer refused = patient.http.post(instance + "/databases", "{\"databases\": [{\"name\": \"late\"}]}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("unprocessableEntity").get("message").asText())
                .isEqualTo("Instance " + id + " is not ready.");
        LiveServer.sleep(1000);
        assertThat(patient.show(id).get("status").asText()).as("still BLOCKED: this server kills no engine")
                .isEqualTo("BLOCKED");

        long asked = System.nanoTime();
        Http.Answer restart = patient.http.post(instance + "/action", "{\"restart\": {}}");
        assertThat(restart.status()).as(restart.body()).isEqualTo(202);
        JsonNode active = patient.awaitStatus(id, "ACTIVE", Duration.ofSeconds(20));
        System.out.println("Restart of a hung engine through the API: ACTIVE after " + millis(asked, System.nanoTime())
                + " ms");

        assertThat(active.has("fault")).as(active.toString()).isFalse();
        assertThat(ProcessHandle.of(engine)).isEmpty();
        assertThat(onlyEngine(id)).isNotEqualTo(engine);
        assertThat(query(port)).isTrue();

        assertThat(patient.http.delete(instance).status()).isEqualTo(202);
        patient.awaitGone(id, port);
    }

    @Test
    void anEngineThatCannotStartIsTriedAgainWithGrowingWaitsAndShowsErrorWithItsLog() throws Exception {
        String id = create(live, "looping");
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        Path config = live.home.resolve("instances").resolve(id).resolve("conf").resolve("my.cnf");
        String original = Files.readString(config);
        Files.writeString(config, "\n[mysqld]\nno-such-option-of-this-test=1\n", StandardOpenOption.APPEND);
        long engine = onlyEngine(id);
        signal("KILL", engine);
        long killed = System.nanoTime();

        // watch for 14 s: attempt n is seen when the fault first counts n attempts
        Map<Integer, Long> attemptSeen = new TreeMap<>();
        List<String> statuses = new ArrayList<>();
        boolean down = false;
        String fault = "";
        while (System.nanoTime() - killed < Duration.ofSeconds(14).toNanos()) {
            JsonNode shown = live.show(id);
            String status = shown.get("status").asText();
            if (!status.equals("ACTIVE")) {
                down = true;
            } else if (down) {
                fail("instance " + id + " shown ACTIVE while its engine cannot start: " + shown);
            }
            if (statuses.isEmpty() || !statuses.getLast().equals(status)) {
                statuses.add(status);
            }
            if (shown.has("fault")) {
                fault = shown.get("fault").get("message").asText();
                Matcher m = ATTEMPTS.matcher(fault);
                if (m.find()) {
                    attemptSeen.putIfAbsent(Integer.parseInt(m.group(1)), System.nanoTime());
                }
            }
            LiveServer.sleep(50);
        }
        List<Long> gaps = new ArrayList<>();
        Long previous = null;
        for (long seen : attemptSeen.values()) {
            if (previous != null) {
                gaps.add(millis(previous, seen));
            }
            previous = seen;
        }
        System.out.println("Engine that cannot start: statuses " + statuses + ", " + attemptSeen.size()
                + " attempts in 14 s, ms between attempts " + gaps + "; fault: " + fault);

        assertThat(statuses.getLast()).isEqualTo("ERROR");
        assertThat(fault).matches("(?s)The engine stopped unexpectedly and did not start again \\(\\d+ attempts in a"
                + " row\\); Reddwarf tries again in 4 s\\. Its log ends with:\n.*")
                .contains("unknown variable 'no-such-option-of-this-test=1'");
        assertThat(attemptSeen).as("attempts seen, in order").containsKeys(1, 2, 3, 4);
        assertThat(attemptSeen.size()).as("attempts in 14 s with waits of 0, 1, 2, 4, 4... s").isBetween(4, 7);
        // waits of 1, 2 and 4 s between attempts, then no more than the 4 s cap (plus a probe and a start)
        assertThat(gaps.get(0)).isBetween(700L, 2_500L);
        assertThat(gaps.get(1)).isBetween(1_600L, 3_500L);
        assertThat(gaps.subList(2, gaps.size())).allSatisfy(gap -> assertThat(gap).isBetween(3_500L, 5_500L));

        Files.writeString(config, original, StandardOpenOption.TRUNCATE_EXISTING);
        long fixed = System.nanoTime();
        await(live, id, "ACTIVE", Duration.ofSeconds(15));
        JsonNode active = live.show(id);
        System.out.println("ACTIVE " + millis(fixed, System.nanoTime()) + " ms after the configuration was mended");
        assertThat(active.get("fault").get("message").asText())
                .matches("(?s)The engine stopped unexpectedly \\d+ times in a row; Reddwarf started it again\\..*");
        assertThat(query(port)).isTrue();

        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }

    @Test
    void anEngineThatKeepsStoppingIsStartedAgainAfterGrowingWaitsAndIsErrorMeanwhile() {
        String id = create(live, "crashy");
        int port = live.awaitStatus(id, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();

        // the first stop: started again at once, in the log only
        long engine = onlyEngine(id);
        signal("KILL", engine);
        long first = awaitNewEngine(id, engine, System.nanoTime());
        await(live, id, "ACTIVE", Duration.ofSeconds(30));
        assertThat(live.show(id).has("fault")).as(live.show(id).toString()).isFalse();

        // the second and third: ERROR while waiting 1 s, then 2 s, saying so
        List<Long> downMillis = new ArrayList<>(List.of(first));
        List<String> waiting = new ArrayList<>();
        for (int stop = 2; stop <= 3; stop++) {
            engine = onlyEngine(id);
            signal("KILL", engine);
            long killed = System.nanoTime();
            waiting.add(awaitWaitingFault(id));
            downMillis.add(awaitNewEngine(id, engine, killed));
            await(live, id, "ACTIVE", Duration.ofSeconds(30));
            assertThat(live.show(id).get("fault").get("message").asText()).startsWith("The engine stopped unexpectedly "
                    + stop + " times in a row; Reddwarf started it again.");
        }
        System.out.println("Engine killed 3 times: down for " + downMillis + " ms; faults while down: " + waiting);

        assertThat(waiting.get(0)).startsWith("The engine stopped unexpectedly 2 times in a row; Reddwarf starts it"
                + " again in 1 s.");
        assertThat(waiting.get(1)).startsWith("The engine stopped unexpectedly 3 times in a row; Reddwarf starts it"
                + " again in 2 s.");
        assertThat(downMillis.get(1)).as("down after the second stop").isGreaterThanOrEqualTo(1_000L);
        assertThat(downMillis.get(2)).as("down after the third stop").isGreaterThanOrEqualTo(2_000L);
        assertThat(query(port)).isTrue();

        assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        live.awaitGone(id, port);
    }

    /** Waits until another engine than {@code gone} runs; returns the milliseconds since {@code since}. */
    private static long awaitNewEngine(String id, long gone, long since) {
        LiveServer.await(Duration.ofSeconds(30), () -> engines(id).stream().anyMatch(pid -> pid != gone),
                "engine of " + id + " started again");
        return millis(since, System.nanoTime());
    }

    /** The fault shown while the instance is ERROR, its engine down and waiting for its next start. */
    private static String awaitWaitingFault(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode shown = live.show(id);
            if (shown.get("status").asText().equals("ERROR") && shown.has("fault")
                    && shown.get("fault").get("message").asText().contains("starts it again in")) {
                return shown.get("fault").get("message").asText();
            }
            LiveServer.sleep(20);
        }
        return fail("instance " + id + " never shown ERROR waiting for its engine's start: " + live.show(id));
    }

    private static String create(LiveServer server, String name) {
        Http.Answer created = server.http.post(server.instances(), """
                {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": 1},
                  "databases": [{"name": "shop"}],
                  "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
                """.formatted(name));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("instance").get("id").asText();
    }

    /** Waits until the instance shows {@code status}, whatever it shows meanwhile. */
    private static void await(LiveServer server, String id, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!server.show(id).get("status").asText().equals(status)) {
            if (System.nanoTime() > deadline) {
                fail("instance " + id + " not " + status + " within " + timeout + ": " + server.show(id));
            }
            LiveServer.sleep(50);
        }
    }

    private static long onlyEngine(String id) {
        List<Long> engines = engines(id);
        assertThat(engines).as("engines of %s", id).hasSize(1);
        return engines.getFirst();
    }

    private static List<Long> engines(String id) {
        return LiveServer.enginesOf(id).stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }

    private static void signal(String signal, long pid) {
        LiveServer.Result sent = LiveServer.run(List.of("kill", "-" + signal, Long.toString(pid)), null,
                Duration.ofSeconds(10));
        assertThat(sent.exitCode()).as(sent.output()).isZero();
    }

    private static boolean query(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (LiveServer.mariadb("127.0.0.1", port, "alice", "S3cret-pass", "shop", "select 1").exitCode() == 0) {
                return true;
            }
            LiveServer.sleep(200);
        }
        return false;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
