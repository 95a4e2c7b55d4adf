package io.reddwarf.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceView;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine whose preparation never returns must not leave its instance in BUILD forever: the
 * build timeout moves it to ERROR with a fault, and then it can be deleted.
 */
final class StuckBuildTest {

    /** A datastore whose engine hangs during preparation, as a wedged installer would. */
    static final class HangingDatastore implements Datastore {
        final CountDownLatch release = new CountDownLatch(1);
        /** Whether the engine the preparation started runs. */
        final AtomicBoolean running = new AtomicBoolean();
        /** Whether a preparation finished. */
        final AtomicBoolean prepared = new AtomicBoolean();

        @Override
        public String type() {
            return "hanging";
        }

        @Override
        public List<DatastoreVersion> versions() {
            return List.of(new DatastoreVersion("1.0", "1.0.0"));
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            return new DatastoreInstance() {
                @Override
                public String type() {
                    return "hanging";
                }

                @Override
                public void prepare(PrepareRequest request) {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.set(true);
                    prepared.set(true);
                }

                @Override
                public void start() {
                    running.set(true);
                }

                @Override
                public void stop() {
                    running.set(false);
                }

                @Override
                public HealthStatus status() {
                    return running.get() ? HealthStatus.RUNNING : HealthStatus.SHUTDOWN;
                }

                @Override
                public Endpoint endpoint() {
                    return new Endpoint(context.bindAddress(), context.port());
                }

                @Override
                public void destroy() {
                }
            };
        }
    }

    @Test
    void aHungBuildTimesOutIntoErrorAndCanThenBeDeleted(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve(CoreConfig.FILE_NAME),
                "build.timeout-seconds=1\nhealth.interval-ms=200\ninstances.port-range=37400-37409\n");
        HangingDatastore driver = new HangingDatastore();
        try (Reddwarf core = Reddwarf.start(CoreConfig.load(home).withDriversInProcess(), DriverRegistry.of(List.<Datastore>of(driver).iterator()))) {
            InstanceView created = core.instances().create("p1", new CreateInstanceRequest("stuck", "1", 1,
                    Optional.of("hanging"), Optional.empty(), List.of(), List.of()));
            assertThat(created.status()).isEqualTo(InstanceStatus.BUILD);

            assertThatThrownBy(() -> core.instances().delete("p1", created.id()))
                    .isInstanceOf(ReddwarfException.class)
                    .hasMessage("Instance " + created.id() + " is not ready.")
                    .extracting(e -> ((ReddwarfException) e).code()).isEqualTo(ErrorCode.UNPROCESSABLE);

            InstanceView failed = await(() -> core.instances().get("p1", created.id()),
                    v -> v.status() == InstanceStatus.ERROR);
            assertThat(failed.fault()).get().extracting(InstanceView.Fault::message)
                    .isEqualTo("The build did not finish within 1 s.");

            core.instances().delete("p1", created.id());
            await(() -> core.instances().list("p1"), List::isEmpty);
            assertThat(home.resolve("instances").resolve(created.id())).doesNotExist();
            driver.release.countDown();
        } finally {
            driver.release.countDown();
        }
    }

    @Test
    void aBuildThatFinishesAfterItTimedOutStopsTheEngineItStarted(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve(CoreConfig.FILE_NAME),
                "build.timeout-seconds=1\nhealth.interval-ms=200\ninstances.port-range=37410-37419\n");
        HangingDatastore driver = new HangingDatastore();
        try (Reddwarf core = Reddwarf.start(CoreConfig.load(home).withDriversInProcess(), DriverRegistry.of(List.<Datastore>of(driver).iterator()))) {
            InstanceView created = core.instances().create("p1", new CreateInstanceRequest("late", "1", 1,
                    Optional.of("hanging"), Optional.empty(), List.of(), List.of()));
            await(() -> core.instances().get("p1", created.id()), v -> v.status() == InstanceStatus.ERROR);

            driver.release.countDown();
            await(driver.prepared::get, done -> done);
            await(driver.running::get, running -> !running);
            InstanceView failed = core.instances().get("p1", created.id());
            assertThat(failed.status()).isEqualTo(InstanceStatus.ERROR);
            assertThat(failed.fault()).get().extracting(InstanceView.Fault::message)
                    .isEqualTo("The build did not finish within 1 s.");
        } finally {
            driver.release.countDown();
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(Probe<T> probe, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            assertThat(System.nanoTime()).as("condition within 20 s, last value %s", value).isLessThan(deadline);
            Thread.sleep(50);
            value = probe.get();
        }
        return value;
    }
}
