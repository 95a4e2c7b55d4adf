package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Restarting an interrupted prepare and timing provisioning; the lifecycle itself is covered by {@link MariaDbTckTest}. */
final class MariaDbLifecycleTest {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbLifecycleTest.class);

    private final MariaDbDatastore datastore = new MariaDbDatastore();
    private final List<LocalInstanceContext> contexts = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (LocalInstanceContext context : contexts) {
            MariaDbFixture.killAll(context.homeDir());
            MySqlFamilyInstance.deleteTree(context.homeDir());
        }
    }

    @Test
    void prepareStartsOverAfterAnInterruptedAttempt() {
        LocalInstanceContext context = newContext();
        MySqlFamilyInstance instance = open(context);
        instance.prepare(PrepareRequest.empty());
        MySqlFamilyInstance.deleteTree(context.dataDir().resolve(".reddwarf-prepared"));

        instance.prepare(new PrepareRequest(List.of(DatabaseSpec.named("again")), List.of()));

        assertThat(instance.status()).isEqualTo(HealthStatus.RUNNING);
        assertThat(instance.databases().list()).extracting(DatabaseSpec::name).containsExactly("again");
    }

    @Test
    void measuresProvisioningSteps() {
        prepared();
        List<MySqlFamilyInstance.PrepareTimings> timings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LocalInstanceContext context = newContext();
            long started = System.nanoTime();
            timings.add(open(context).prepareMeasured(new PrepareRequest(List.of(DatabaseSpec.named("shop")),
                    List.of(new UserSpec("alice", "%", new Secret("alice-pw"), List.of("shop"))))));
            LOG.info("Provisioning {}: {} in {} ms total", i, timings.get(i),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }

        for (MySqlFamilyInstance.PrepareTimings timing : timings) {
            assertThat(timing.templateMillis()).isLessThan(50);
            assertThat(timing.copyMillis() + timing.startMillis() + timing.sqlMillis()).isLessThan(10_000);
        }
    }

    private MySqlFamilyInstance prepared() {
        MySqlFamilyInstance instance = open(newContext());
        instance.prepare(PrepareRequest.empty());
        return instance;
    }

    private LocalInstanceContext newContext() {
        DatastoreVersion version = MariaDbFixture.requireServer(datastore);
        LocalInstanceContext context = MariaDbFixture.newContext(version);
        contexts.add(context);
        return context;
    }

    private MySqlFamilyInstance open(LocalInstanceContext context) {
        return (MySqlFamilyInstance) datastore.open(context);
    }
}
