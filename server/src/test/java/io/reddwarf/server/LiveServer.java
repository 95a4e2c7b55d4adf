package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.provider.LocalProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A whole Reddwarf (core with the drivers on the class path, API, credentials, clouds.yaml) started
 * in this JVM on a free port, with a fresh home under {@code target/test-homes} and its own slice of
 * instance ports. Closing it deletes whatever instances are left and stops the control plane.
 */
final class LiveServer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Path home;
    final ReddwarfServer server;
    final Http http;
    final String project;

    LiveServer(String name, int portMin, int portMax) {
        this(name, portMin, portMax, "");
    }

    /** As {@link #LiveServer(String, int, int)}, with {@code properties} as the home's {@code reddwarf.properties}. */
    LiveServer(String name, int portMin, int portMax, String properties) {
        home = shortHome(name);
        if (!properties.isEmpty()) {
            try {
                Files.writeString(home.resolve(CoreConfig.FILE_NAME), properties);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ServerOptions options = new ServerOptions(0, "127.0.0.1", home);
        server = ReddwarfServer.start(options, CoreConfig.load(home).withPorts(portMin, portMax));
        http = new Http(server.baseUri(), server.credentials().demoToken());
        project = server.credentials().demoProject();
    }

    /**
     * A fresh home under {@code target/h}, or under the system's temporary directory when the
     * checkout's path is so long that an engine's Unix socket below the home would not fit.
     */
    static Path shortHome(String name) {
        try {
            Path homes = Path.of("target", "h").toAbsolutePath();
            if (homes.toString().length() + 1 + name.length() + 5 > LocalProvider.maxHomeLength()) {
                homes = Path.of(System.getProperty("java.io.tmpdir"), "reddwarf-test-homes");
            }
            Files.createDirectories(homes);
            for (int attempt = 0; ; attempt++) {
                Path candidate = homes.resolve(name + "-" + HexFormat.of().toHexDigits((short) RANDOM.nextInt()));
                try {
                    return Files.createDirectory(candidate);
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 100) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String instances() {
        return "/v1.0/" + project + "/instances";
    }

    JsonNode show(String id) {
        Http.Answer answer = http.get(instances() + "/" + id);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("instance");
    }

    JsonNode awaitStatus(String id, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode instance = show(id);
        while (!instance.get("status").asText().equals(status)) {
            if (System.nanoTime() > deadline) {
                fail("instance " + id + " did not become " + status + " within " + timeout + ": " + instance);
            }
            if (instance.get("status").asText().equals("ERROR")) {
                fail("instance " + id + " failed: " + instance);
            }
            sleep(250);
            instance = show(id);
        }
        return instance;
    }

    /** Waits until the instance is gone from the API, then checks no process, port or directory is left. */
    void awaitGone(String id, int port) {
        await(Duration.ofSeconds(60), () -> http.get(instances() + "/" + id).status() == 404,
                "instance " + id + " still listed after delete");
        Path dir = home.resolve("instances").resolve(id);
        await(Duration.ofSeconds(30), () -> enginesOf(id).isEmpty(), "engine process of " + id + " still runs");
        await(Duration.ofSeconds(30), () -> !listening(port), "port " + port + " still accepts connections");
        await(Duration.ofSeconds(30), () -> !Files.exists(dir), dir + " still exists");
    }

    /** Processes whose command line mentions the instance (its data directory or pid file). */
    static List<ProcessHandle> enginesOf(String instanceId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(instanceId)).orElse(false))
                .toList();
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs the real {@code mariadb} client; returns its exit code and output. */
    static Result mariadb(String host, int port, String user, String password, String database, String sql) {
        return run(List.of("mariadb", "--no-defaults", "--protocol=TCP", "-h", host, "-P", Integer.toString(port),
                "-u", user, "-p" + password, database, "-N", "-e", sql), null, Duration.ofSeconds(30));
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> command, java.util.Map<String, String> env, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (env != null) {
                builder.environment().putAll(env);
            }
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), new String(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void await(Duration timeout, BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure + " (waited " + timeout + ")");
            }
            sleep(200);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes instances the test left behind in the demo and admin projects (best effort), then stops the control plane. */
    @Override
    public void close() {
        try {
            deleteLeftovers(http, project);
            deleteLeftovers(http.withToken(server.credentials().adminToken()), server.credentials().adminProject());
        } finally {
            server.close();
        }
    }

    /** Deletes the project's instances through {@code client} (best effort) and waits until they are gone. */
    static void deleteLeftovers(Http client, String projectId) {
        String instances = "/v1.0/" + projectId + "/instances";
        Http.Answer list = client.get(instances);
        if (list.status() != 200) {
            return;
        }
        for (JsonNode i : list.json().get("instances")) {
            String id = i.get("id").asText();
            try {
                if (!i.get("status").asText().equals("ACTIVE")) {
                    awaitSettledQuietly(client, instances + "/" + id);
                }
                client.delete(instances + "/" + id);
                await(Duration.ofSeconds(60), () -> client.get(instances + "/" + id).status() == 404,
                        "cleanup of " + id);
            } catch (AssertionError | RuntimeException e) {
                enginesOf(id).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Waits (at most two minutes) until a building or restarting instance settles. */
    private static void awaitSettledQuietly(Http client, String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Http.Answer shown = client.get(path);
            if (shown.status() != 200) {
                return;
            }
            String status = shown.json().get("instance").get("status").asText();
            if (!status.equals("BUILD") && !status.equals("REBOOT")) {
                return;
            }
            sleep(250);
        }
    }
}
