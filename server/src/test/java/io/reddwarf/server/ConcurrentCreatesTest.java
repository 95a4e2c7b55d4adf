package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.host.LocalProcessSupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fifty creates sent at the same moment all end ACTIVE, each on a port of its own, and neither the
 * control plane nor its agent holds a thread per instance: no engine is a child of either JVM.
 * Outcomes, not times.
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

    /** The local agent: the JVM this one started for the home's {@code agent} directory. */
    private static ProcessHandle agent() {
        String agentHome = live.home.resolve("agent").toString();
        return ProcessHandle.current().children().filter(p -> arguments(p).contains(agentHome)).findFirst()
                .orElseThrow(() -> new AssertionError("no agent process below this JVM for " + agentHome));
    }

    /** The whole command line (ProcessHandle.Info cuts a long class path short). */
    private static List<String> arguments(ProcessHandle process) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The names of a process's threads, from /proc (the kernel's 15-character cut of each). */
    private static List<String> threadsOf(ProcessHandle process) throws IOException {
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (IOException e) {
                    // the thread ended while listed
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Test
    void fiftyCreatesAtOnceAllBecomeActiveAndAddNoThreadPerInstance() throws Exception {
        assertThat(live.http.get(live.instances()).status()).isEqualTo(200);
        long threadsBefore = controlPlaneThreads();
        ProcessHandle agent = agent();
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
        // The agent's pools grow to their bounds in a burst (ten workers, the HTTP client's, the
        // JDK's reapers of short-lived tools, which idle out after a minute); an engine that were a
        // child of the JVM would hold a reaper thread of its own for as long as it runs.
        List<String> agentThreads = threadsOf(agent);
        assertThat(agentThreads.stream().filter(n -> n.equals("process reaper")).count())
                .as("reaper threads of the agent with %d instances: %s", INSTANCES, agentThreads).isLessThan(10);
        assertThat(agentThreads).as("threads of the agent with %d instances", INSTANCES).hasSizeLessThan(INSTANCES);
        List<Long> engines = LocalProcessSupervisor.findProcessesReferencing(live.home.resolve("instances"));
        assertThat(engines).as("engine processes").hasSizeGreaterThanOrEqualTo(INSTANCES);
        Set<Long> jvms = Set.of(ProcessHandle.current().pid(), agent.pid());
        assertThat(engines.stream().filter(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(parent -> jvms.contains(parent.pid())).orElse(false)).toList())
                .as("engines that are children of the server or agent JVM").isEmpty();

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
