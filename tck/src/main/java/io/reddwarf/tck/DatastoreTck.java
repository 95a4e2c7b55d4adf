package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.ReplicationStrategy;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserSpec;
import io.reddwarf.tck.EngineClient.Login;
import io.reddwarf.tck.EngineClient.Session;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver TCK. A driver's test class extends it and fills in the hooks:
 *
 * <pre>{@code
 * final class ExampleDatastoreTckTest extends DatastoreTck {
 *     protected Datastore datastore() { return new ExampleDatastore(); }
 *     protected Set<Capability> claimedCapabilities() { return EnumSet.of(Capability.DATABASES); }
 *     protected String engineRequirement() { return "mariadbd (Debian package mariadb-server)"; }
 *     protected EngineClient engineClient() { return new ExampleClient(); }
 * }
 * }</pre>
 *
 * <p>The TCK checks that the claimed capabilities are exactly the driver's, that
 * {@link ServiceLoader} finds the driver (also next to a broken provider entry), runs the whole
 * lifecycle against a real engine, exercises every claimed admin operation and asserts the exact
 * {@link NotSupportedException#message} of every unclaimed one, and backs up and restores with
 * every claimed {@link BackupStrategy}. Failures name the operation, e.g.
 * {@code prepare() failed for datastore 'mariadb': …}.
 *
 * <p>When the driver offers no version (its engine is not installed), the engine tests are aborted
 * with a message naming {@link #engineRequirement()}, or fail if {@link #requireEngine()} says the
 * engine must be there. Instances live below {@link #scratchDir()}; one instance serves the
 * lifecycle section and one the admin section, the backup section prepares its own for each
 * strategy and destroys them as it goes, and all that are left are destroyed after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("tck")
public abstract class DatastoreTck extends BackupChecks {

    // ---------------------------------------------------------------- without an engine

    @Test
    void claimedCapabilitiesAreExactlyTheDriversCapabilities() {
        assertThat(call("capabilities()", driver()::capabilities))
                .as("capabilities() of datastore '%s' must equal what its TCK class claims", type())
                .containsExactlyInAnyOrderElementsOf(claimedCapabilities());
    }

    @Test
    void typeIsALowercaseIdentifier() {
        assertThat(type()).as("type()").matches("[a-z][a-z0-9-]{0,31}");
    }

    @Test
    void serviceLoaderFindsExactlyOneProviderOfTheType() {
        List<Datastore> found = load(ServiceLoader.load(Datastore.class, driver().getClass().getClassLoader()).iterator(),
                new ArrayList<>());

        assertThat(found.stream().filter(d -> type().equals(d.type())).map(d -> d.getClass().getName()))
                .as("providers of datastore type '%s' in META-INF/services/%s", type(), Datastore.class.getName())
                .containsExactly(driver().getClass().getName());
    }

    @Test
    void aBrokenProviderEntryDoesNotStopLoadingTheDriver(@TempDir Path classes) throws IOException {
        Path services = classes.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(Datastore.class.getName()), "io.reddwarf.tck.NoSuchDriver\n", StandardCharsets.UTF_8);
        ClassLoader parent = driver().getClass().getClassLoader();
        List<Throwable> errors = new ArrayList<>();
        List<Datastore> found;
        try (URLClassLoader loader = new OwnResourcesFirst(classes.toUri().toURL(), parent)) {
            found = load(ServiceLoader.load(Datastore.class, loader).iterator(), errors);
        }

        assertThat(errors).as("the broken entry is reported").isNotEmpty();
        assertThat(found.stream().filter(d -> type().equals(d.type())))
                .as("providers of datastore type '%s' next to a broken provider entry", type())
                .hasSize(1);
    }

    // ---------------------------------------------------------------- lifecycle

    @Lifecycle
    void lifecycleRunsForRealAndDataSurvivesRestarts() {
        Prepared prepared = prepare("lifecycle");
        DatastoreInstance instance = prepared.instance();
        TckInstanceContext context = prepared.context();
        assertThat(call("type()", instance::type)).as("type() of an instance").isEqualTo(type());
        assertThat(call("endpoint()", instance::endpoint)).as("endpoint()")
                .isEqualTo(new Endpoint(context.bindAddress(), context.port()));
        expectStatus(instance, HealthStatus.RUNNING, "prepare()");
        Session session = adminSession(prepared);
        call("writing through the engine client after prepare()", () -> engineClient().put(session, "k1", "before-stop"));

        call("stop()", instance::stop);
        expectStatus(instance, HealthStatus.SHUTDOWN, "stop()");
        call("stop() of a stopped instance", instance::stop);
        expectStatus(instance, HealthStatus.SHUTDOWN, "a second stop()");

        call("start()", instance::start);
        expectStatus(instance, HealthStatus.RUNNING, "start()");
        call("start() of a running instance", instance::start);
        expectValue(session, "k1", "before-stop", "stop() and start()");

        call("writing through the engine client", () -> engineClient().put(session, "k2", "before-restart"));
        call("restart()", instance::restart);
        expectStatus(instance, HealthStatus.RUNNING, "restart()");
        expectValue(session, "k2", "before-restart", "restart()");

        killEngine(context);
        expectStatus(instance, HealthStatus.CRASHED, "its engine was killed");
        call("start() after a crash", instance::start);
        expectStatus(instance, HealthStatus.RUNNING, "start() after a crash");

        call("prepare() of a prepared instance", () -> instance.prepare(request()));
        expectStatus(instance, HealthStatus.RUNNING, "prepare() of a prepared instance");
        expectValue(session, "k2", "before-restart", "prepare() of a prepared instance");

        call("destroy()", instance::destroy);
        assertThat(TckInstanceContext.processesReferencing(context.homeDir()))
                .as("processes referencing %s after destroy()", context.homeDir()).isEmpty();
        assertThat(context.homeDir()).as("instance home after destroy()").doesNotExist();
        call("destroy() of a destroyed instance", instance::destroy);
        assertThat(call("status() of a destroyed instance", instance::status))
                .as("status() of a destroyed instance").isNotEqualTo(HealthStatus.RUNNING);
    }

    @Lifecycle
    void destroyOfAnUnpreparedInstanceRemovesItsHome() {
        TckInstanceContext context = newContext("unprepared");
        DatastoreInstance instance = call("open()", () -> driver().open(context));

        call("destroy() of an unprepared instance", instance::destroy);

        assertThat(context.homeDir()).as("instance home after destroy()").doesNotExist();
        assertThat(call("status() of a destroyed instance", instance::status))
                .as("status() of a destroyed instance").isNotEqualTo(HealthStatus.RUNNING);
    }

    // ---------------------------------------------------------------- admin

    @Admin
    void databasesAreListedCreatedAndDropped() {
        if (!claims(Capability.DATABASES)) {
            expectNotSupported("databases", () -> adminInstance().instance().databases());
            return;
        }
        DatastoreInstance instance = adminInstance().instance();
        assertThat(names(call("databases().list()", () -> instance.databases().list())))
                .as("databases().list() after prepare()").containsExactly(DATABASE);

        call("databases().create()", () -> instance.databases().create(List.of(DatabaseSpec.named("tck_extra"))));
        assertThat(names(call("databases().list()", () -> instance.databases().list())))
                .as("databases().list() after databases().create()").containsExactly("tck_extra", DATABASE);
        call("databases().create() of an existing database",
                () -> instance.databases().create(List.of(DatabaseSpec.named("tck_extra"))));

        call("databases().drop()", () -> instance.databases().drop("tck_extra"));
        call("databases().drop() of a dropped database", () -> instance.databases().drop("tck_extra"));
        assertThat(names(call("databases().list()", () -> instance.databases().list())))
                .as("databases().list() after databases().drop()").containsExactly(DATABASE);
    }

    @Admin
    void usersAreListedCreatedGrantedAndDropped() {
        if (!claims(Capability.USERS)) {
            expectNotSupported("users", () -> adminInstance().instance().users());
            return;
        }
        Prepared prepared = adminInstance();
        DatastoreInstance instance = prepared.instance();
        List<String> grants = claims(Capability.DATABASES) ? List.of(DATABASE) : List.of();
        assertThat(call("users().list()", () -> instance.users().list()))
                .as("users().list() after prepare()").containsExactly(new User(USER.user(), "%", grants));
        assertThat(engineClient().canLogIn(session(prepared, Optional.of(USER))))
                .as("the user created by prepare() can log in").isTrue();

        call("users().create()", () -> instance.users().create(
                List.of(new UserSpec(OTHER_USER.user(), "%", OTHER_USER.password(), grants))));
        assertThat(call("users().list()", () -> instance.users().list()))
                .as("users().list() after users().create()")
                .containsExactly(new User(USER.user(), "%", grants), new User(OTHER_USER.user(), "%", grants));
        Session other = session(prepared, Optional.of(OTHER_USER));
        assertThat(engineClient().canLogIn(other)).as("a user created by users().create() can log in").isTrue();
        if (claims(Capability.DATABASES)) {
            call("writing as a user granted a database", () -> engineClient().put(other, "granted", "yes"));
            expectValue(other, "granted", "yes", "a write by a user granted the database");
            call("databases().create()", () -> instance.databases().create(List.of(DatabaseSpec.named("tck_private"))));
            Session elsewhere = new Session(prepared.context(), instance.endpoint(), Optional.of(OTHER_USER), Optional.of("tck_private"));
            assertThat(engineClient().canLogIn(elsewhere)).as("a user can use a database it was not granted").isFalse();
            call("databases().drop()", () -> instance.databases().drop("tck_private"));
        }

        call("users().drop()", () -> instance.users().drop(OTHER_USER.user(), "%"));
        call("users().drop() of a dropped user", () -> instance.users().drop(OTHER_USER.user(), "%"));
        assertThat(call("users().list()", () -> instance.users().list()))
                .as("users().list() after users().drop()").containsExactly(new User(USER.user(), "%", grants));
        assertThat(engineClient().canLogIn(other)).as("a dropped user can log in").isFalse();
    }

    @Admin
    void rootIsEnabledAndDisabled() {
        if (!claims(Capability.ROOT)) {
            expectNotSupported("root", () -> adminInstance().instance().root());
            return;
        }
        Prepared prepared = adminInstance();
        DatastoreInstance instance = prepared.instance();
        assertThat(call("root().isEnabled()", () -> instance.root().isEnabled())).as("root().isEnabled() after prepare()").isFalse();

        Secret given = new Secret("Tck-r00t-pw");
        assertThat(call("root().enable()", () -> instance.root().enable(Optional.of(given))))
                .as("root().enable(password)").isEqualTo(given);
        assertThat(call("root().isEnabled()", () -> instance.root().isEnabled())).as("root().isEnabled() after enable()").isTrue();
        Session root = session(prepared, Optional.of(new Login("root", given)));
        assertThat(engineClient().canLogIn(root)).as("root can log in over the network after root().enable()").isTrue();

        call("root().disable()", () -> instance.root().disable());
        assertThat(call("root().isEnabled()", () -> instance.root().isEnabled())).as("root().isEnabled() after disable()").isFalse();
        assertThat(engineClient().canLogIn(root)).as("root can log in over the network after root().disable()").isFalse();

        Secret generated = call("root().enable() without a password", () -> instance.root().enable(Optional.empty()));
        assertThat(generated.value()).as("a generated root password").hasSizeGreaterThanOrEqualTo(16);
        assertThat(engineClient().canLogIn(session(prepared, Optional.of(new Login("root", generated)))))
                .as("root can log in with the generated password").isTrue();
        call("root().disable()", () -> instance.root().disable());
    }

    // ---------------------------------------------------------------- configuration

    @Configuration
    void configurationSection() {
        List<ConfigRenderer> renderers = load(ServiceLoader.load(ConfigRenderer.class,
                driver().getClass().getClassLoader()).iterator(), new ArrayList<>()).stream()
                .filter(r -> type().equals(r.datastoreType()))
                .toList();
        if (!claims(Capability.CONFIGURATION)) {
            assertThat(renderers.stream().map(r -> r.getClass().getName()))
                    .as("configuration renderers for '%s', which does not claim CONFIGURATION", type()).isEmpty();
            return;
        }
        assertThat(renderers).as("configuration renderers for '%s', which claims CONFIGURATION", type()).hasSize(1);
        ConfigRenderer renderer = renderers.getFirst();
        ConfigSample sample = configurationSample().orElseThrow(() -> new AssertionError(
                "A driver that claims CONFIGURATION must name a dynamic parameter and a value in configurationSample()"));
        Prepared prepared = adminInstance();
        DatastoreVersion version = prepared.context().version();
        Map<String, String> values = Map.of(sample.parameter(), sample.value());

        assertThat(call("rules()", () -> renderer.rules(version))).extracting(ConfigRenderer.Parameter::name)
                .as("rules() of version %s", version.name()).contains(sample.parameter());
        assertThat(call("validate()", () -> renderer.validate(version, values)))
                .as("validate() of the sample %s", values).isEmpty();
        assertThat(call("validate()", () -> renderer.validate(version, Map.of("tck_no_such_parameter", "1"))))
                .as("validate() of an unknown parameter").isNotEmpty();
        assertThat(call("validate()", () -> renderer.validate(version,
                Map.of(sample.parameter(), sample.value() + "\n[client]"))))
                .as("validate() of a value that injects a section").isNotEmpty();
        assertThat(call("render()", () -> renderer.render(prepared.context(), values)))
                .as("render() with the sample").contains(sample.parameter());

        call("write()", () -> renderer.write(prepared.context(), values));
        call("applyLive()", () -> renderer.applyLive(prepared.context(), values));
        call("restart() with the written configuration", () -> prepared.instance().restart());
        assertThat(call("status()", () -> prepared.instance().status()))
                .as("status() after a restart with the written configuration").isEqualTo(HealthStatus.RUNNING);

        call("write() of no values", () -> renderer.write(prepared.context(), Map.of()));
        call("restart() with the default configuration", () -> prepared.instance().restart());
        assertThat(call("status()", () -> prepared.instance().status()))
                .as("status() after going back to the default configuration").isEqualTo(HealthStatus.RUNNING);
    }

    /**
     * For a driver that claims {@link Capability#CONFIGURATION}: a dynamic parameter of its rules and
     * a valid value for it, which the configuration section validates, renders, writes, applies live
     * and restarts with.
     */
    protected Optional<ConfigSample> configurationSample() {
        return Optional.empty();
    }

    /** A parameter and a valid value for {@link #configurationSample()}. */
    public record ConfigSample(String parameter, String value) {
        public ConfigSample {
            java.util.Objects.requireNonNull(parameter, "parameter is null");
            java.util.Objects.requireNonNull(value, "value is null");
        }
    }

    // ---------------------------------------------------------------- sections not written yet

    @Replication
    void replicationSection() {
        if (claims(Capability.REPLICATION)) {
            fail("TCK section replication is not implemented yet");
        }
        for (DatastoreVersion version : driver().versions()) {
            assertThat(load(ServiceLoader.load(ReplicationStrategy.class, driver().getClass().getClassLoader()).iterator(), new ArrayList<>())
                    .stream().filter(s -> s.supports(type(), version)).map(ReplicationStrategy::name))
                    .as("replication strategies for '%s' %s, which does not claim REPLICATION", type(), version.name()).isEmpty();
        }
    }

    @AfterAll
    void destroyInstances() {
        for (TckInstanceContext context : contexts) {
            TckInstanceContext.killProcessesReferencing(context.homeDir());
            TckInstanceContext.deleteTree(context.homeDir());
        }
        backupDirs.forEach(TckInstanceContext::deleteTree);
    }
}
