package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fifty creates sent at the same moment all end ACTIVE, each on a port of its own, and the control
 * plane holds no thread per instance (its engines are its agent's business). Outcomes, not times.
 */
final class ConcurrentCreatesTest {
    private static final int INSTANCES = 50;
    static LiveServer live;

    @BeforeAll
    static void start() {
        live = new LiveServer("many", 37000, 37099, "api.rate-limit-per-minute=100000\n");
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        Http.Answer quota = admin.method("PUT", "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/quotas/"
                + live.project, "{\"quotas\": {\"instances\": " + INSTANCES + ", \"volumes\": " + INSTANCES + "}}");
        assertThat(quota.status()).as(quota.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    /** Threads of this JVM that are neither the API's request workers nor this test's own. */
    private static long controlPlaneThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.startsWith("grizzly-http-server") && !n.startsWith("creates-")
                        && !n.startsWith("HttpClient-")).count();
    }

    @Test
    void fiftyCreatesAtOnceAllBecomeActiveAndAddNoThreadPerInstance() throws Exception {
        assertThat(live.http.get(live.instances()).status()).isEqualTo(200);
        long threadsBefore = controlPlaneThreads();
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES, r -> new Thread(r, "creates-" + r.hashCode()));
        List<String> ids = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Answer>> sent = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                String name = "many-" + i;
                sent.add(pool.submit(() -> {
                    go.await();
                    return live.http.post(live.instances(), "{\"instance\": {\"name\": \"" + name
                            + "\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}");
                }));
            }
            go.countDown();
            for (Future<Http.Answer> f : sent) {
                Http.Answer answer = f.get();
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                ids.add(answer.json().get("instance").get("id").asText());
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, JsonNode> settled = new HashMap<>();
        LiveServer.await(Duration.ofMinutes(5), () -> {
            settled.clear();
            for (JsonNode instance : listAll()) {
                if (!instance.get("status").asText().equals("BUILD")) {
                    settled.put(instance.get("id").asText(), instance);
                }
            }
            return settled.keySet().containsAll(ids);
        }, "every instance leaves BUILD");
        List<String> notActive = ids.stream().filter(id -> !settled.get(id).get("status").asText().equals("ACTIVE"))
                .map(id -> id + ": " + live.show(id)).toList();
        assertThat(notActive).as("instances that did not become ACTIVE").isEmpty();
        assertThat(new HashSet<>(ids.stream().map(id -> settled.get(id).get("port").asInt()).toList()))
                .as("one port each").hasSize(INSTANCES);
        assertThat(controlPlaneThreads() - threadsBefore).as("control-plane threads added by %d instances", INSTANCES)
                .isLessThan(10);

        for (String id : ids) {
            assertThat(live.http.delete(live.instances() + "/" + id).status()).isEqualTo(202);
        }
        LiveServer.await(Duration.ofMinutes(3), () -> listAll().isEmpty(), "every instance deleted");
    }

    /** Every instance of the project, page after page. */
    private static List<JsonNode> listAll() {
        List<JsonNode> all = new ArrayList<>();
        String next = live.instances();
        while (next != null) {
            JsonNode page = live.http.get(next).json();
            page.get("instances").forEach(all::add);
            next = page.has("links") ? page.get("links").get(0).get("href").asText()
                    .substring(live.server.baseUri().toString().length() - 1) : null;
        }
        return all;
    }
}
