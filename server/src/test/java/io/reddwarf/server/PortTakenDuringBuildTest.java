package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceView;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Something takes an instance's port after the instance got it and before its engine binds it (in
 * production: the kernel gives it to an outgoing connection). The build moves the instance to
 * another free port and starts over with fresh files instead of ending in ERROR.
 */
final class PortTakenDuringBuildTest {
    private static final int FIRST_PORT = 36760;
    private static final int LAST_PORT = 36769;

    /** Binds the port of the first instance the driver prepares, as another program would, and holds it. */
    static final class PortThief implements AutoCloseable {
        final List<ServerSocket> sockets = new CopyOnWriteArrayList<>();

        synchronized void takeOnce(int port) {
            if (!sockets.isEmpty()) {
                return;
            }
            try {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                sockets.add(socket);
            } catch (IOException e) {
                throw new UncheckedIOException("could not take port " + port, e);
            }
        }

        List<Integer> taken() {
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        }

        @Override
        public void close() throws IOException {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The real MariaDB driver, with {@code thief} taking the port of an instance just before it is prepared. */
    private static Datastore mariadbWithThief(PortThief thief) {
        Datastore real = ServiceLoader.load(Datastore.class).stream().map(ServiceLoader.Provider::get)
                .filter(d -> d.type().equals("mariadb")).findFirst().orElseThrow();
        assertThat(real.versions()).as("mariadbd installed (Debian package mariadb-server)").isNotEmpty();
        return proxy(Datastore.class, real, (name, args) -> {
            if (name.equals("open")) {
                InstanceContext context = (InstanceContext) args[0];
                DatastoreInstance instance = real.open(context);
                return Optional.of(proxy(DatastoreInstance.class, instance, (operation, ignored) -> {
                    if (operation.startsWith("prepare")) {
                        thief.takeOnce(context.port());
                    }
                    return Optional.empty();
                }));
            }
            return Optional.empty();
        });
    }

    interface Interceptor {
        /** Called before each call; a present answer replaces the call to the real object. */
        Optional<Object> before(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T real, Interceptor interceptor) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            Optional<Object> answer = interceptor.before(method.getName(), args);
            if (answer.isPresent()) {
                return answer.get();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    @Test
    void theBuildMovesTheInstanceToAnotherFreePortAndEndsActive() throws Exception {
        Path home = LiveServer.shortHome("ptk");
        PortThief thief = new PortThief();
        CoreConfig config = CoreConfig.load(home).withPorts(FIRST_PORT, LAST_PORT).withDriversInProcess();
        try (thief; Reddwarf core = Reddwarf.start(config,
                DriverRegistry.of(List.of(mariadbWithThief(thief)).iterator()))) {
            InstanceView created = core.instances().create("p1", new CreateInstanceRequest("moved", "1", 1,
                    Optional.of("mariadb"), Optional.empty(), List.of(DatabaseSpec.named("shop")),
                    List.of(new UserSpec("alice", "%", new Secret("S3cret-pass"), List.of("shop")))));
            int allocated = created.port().orElseThrow();

            InstanceView active = awaitActive(core, created.id());

            assertThat(thief.taken()).containsExactly(allocated);
            int port = active.port().orElseThrow();
            assertThat(port).isNotEqualTo(allocated).isBetween(FIRST_PORT, LAST_PORT);
            assertThat(active.fault()).isEmpty();
            LiveServer.Result query = LiveServer.mariadb("127.0.0.1", port, "alice", "S3cret-pass", "shop",
                    "select @@port");
            assertThat(query.exitCode()).as(query.output()).isZero();
            assertThat(query.output().strip()).isEqualTo(Integer.toString(port));
            // The failed attempt's files went with it: nothing of it is left to confuse the new one.
            try (Stream<Path> logs = Files.walk(home.resolve("instances").resolve(created.id()).resolve("log"))) {
                for (Path log : logs.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(log)).as(log.toString()).doesNotContain("Address already in use");
                }
            }

            core.instances().delete("p1", created.id());
            LiveServer.await(Duration.ofSeconds(60), () -> core.instances().list("p1").isEmpty(),
                    "instance " + created.id() + " still listed after delete");
        } finally {
            for (long pid : LocalProcessSupervisor.findProcessesReferencing(home)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static InstanceView awaitActive(Reddwarf core, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            InstanceView view = core.instances().get("p1", id);
            if (view.status() == InstanceStatus.ACTIVE) {
                return view;
            }
            if (view.status() == InstanceStatus.ERROR) {
                fail("instance " + id + " failed: " + view.fault().map(InstanceView.Fault::message).orElse("?"));
            }
            if (System.nanoTime() > deadline) {
                fail("instance " + id + " did not become ACTIVE within 120 s: " + view);
            }
            LiveServer.sleep(250);
        }
    }
}
