package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.Plugins;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.ReplicationStrategy;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserSpec;
import io.reddwarf.tck.EngineClient.Login;
import io.reddwarf.tck.EngineClient.Session;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
public abstract class DatastoreTck {
    private static final String DATABASE = "tck_shop";
    private static final Login USER = new Login("tck_alice", new Secret("Tck-al1ce-pw"));
    private static final Login OTHER_USER = new Login("tck_bob", new Secret("Tck-b0b-pw"));
    private static final Duration CRASH_WAIT = Duration.ofSeconds(10);

    private static final int FIRST_ROWS = 2000;
    private static final PrepareRequest EMPTY_REQUEST = new PrepareRequest(List.of(), List.of());

    private final List<TckInstanceContext> contexts = new ArrayList<>();
    private final List<Path> backupDirs = new ArrayList<>();
    private Datastore datastore;
    private Prepared admin;

    /** The driver under test; called once per test class. */
    protected abstract Datastore datastore();

    /** The capabilities the driver claims; must equal {@link Datastore#capabilities()}. */
    protected abstract Set<Capability> claimedCapabilities();

    /**
     * What must be installed for the driver to offer a version, named in the abort message, e.g.
     * {@code "mariadbd (Debian package mariadb-server)"}.
     */
    protected abstract String engineRequirement();

    /** Reads and writes data through the engine's own client; see {@link EngineClient}. */
    protected abstract EngineClient engineClient();

    /**
     * Whether a missing engine fails the suite instead of aborting it. Drivers shipped with
     * Reddwarf return {@code true}, so that their CI cannot pass by skipping; a third party whose
     * machine may lack the engine keeps the default {@code false}.
     */
    protected boolean requireEngine() {
        return false;
    }

    /** The version to test, by name; empty (the default) tests the first one the driver offers. */
    protected Optional<String> versionName() {
        return Optional.empty();
    }

    /**
     * Where instance homes and version templates are created: {@code target/tck} by default, or a
     * directory in the system's temporary directory when the build directory's path is too long for
     * the unix sockets below it (socket paths must fit in 107 bytes), or, when the TCK runs as root and
     * so runs daemons under unprivileged users, when a directory above the build is closed to them.
     */
    protected Path scratchDir() {
        Path inBuild = Path.of("target", "tck").toAbsolutePath();
        if (inBuild.toString().length() <= 70 && passableByOthers(inBuild.getParent())) {
            return inBuild;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "rdw-tck-" + ProcessHandle.current().pid());
    }

    private static boolean passableByOthers(Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return true;
        }
        for (Path d = dir; d != null; d = d.getParent()) {
            try {
                if (Files.exists(d) && !Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The ports instances may listen on; 36000-36999 by default. */
    protected PortRange ports() {
        return new PortRange(36000, 36999);
    }

    /** The flavor instances are prepared with. */
    protected Flavor flavor() {
        return new Flavor("tck", "tck.small", 512, 1, 1);
    }

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

    // ---------------------------------------------------------------- backup

    /**
     * The backup strategies the driver claims, by {@link BackupStrategy#name()}: each must be on the
     * class path and support the version under test, or the backup section fails naming it. Empty
     * (the default) claims every strategy on the class path that supports the version. Only read
     * when the driver claims {@link Capability#BACKUP}.
     */
    protected Set<String> backupStrategies() {
        return Set.of();
    }

    @Backup
    void backupStrategiesAreThoseClaimed() {
        if (!claims(Capability.BACKUP)) {
            for (DatastoreVersion version : driver().versions()) {
                assertThat(strategiesOnClassPath().stream().filter(s -> s.supports(type(), version)).map(BackupStrategy::name))
                        .as("backup strategies for '%s' %s, which does not claim BACKUP", type(), version.name()).isEmpty();
            }
            return;
        }
        DatastoreVersion version = version();
        List<String> supporting = strategiesOnClassPath().stream().filter(s -> s.supports(type(), version))
                .map(BackupStrategy::name).toList();
        assertThat(supporting).as("backup strategies on the class path that support '%s' %s, which claims BACKUP",
                type(), version.name()).isNotEmpty();
        assertThat(supporting).as("backup strategies on the class path that support '%s' %s, against backupStrategies()",
                type(), version.name()).containsAll(backupStrategies());
    }

    /**
     * For each claimed strategy: rows written, a full backup, more rows, an incremental backup when
     * the strategy makes them, more rows; each backup restored into a fresh instance the way the
     * control plane restores, and the restored data, accounts and instance checked.
     */
    @TestFactory
    @Tag("tck-backup")
    Stream<DynamicTest> eachClaimedStrategyRestoresWhatItBackedUp() {
        if (!claims(Capability.BACKUP)) {
            return Stream.empty();
        }
        DatastoreVersion version = version();
        List<BackupStrategy> supporting = strategiesOnClassPath().stream().filter(s -> s.supports(type(), version)).toList();
        List<BackupStrategy> claimed = backupStrategies().isEmpty() ? supporting
                : supporting.stream().filter(s -> backupStrategies().contains(s.name())).toList();
        return claimed.stream().map(strategy -> DynamicTest.dynamicTest(
                "strategy " + strategy.name() + " restores full" + (strategy.incremental() ? " and incremental" : "") + " backups",
                () -> backUpAndRestore(strategy)));
    }

    private void backUpAndRestore(BackupStrategy strategy) {
        String by = " by strategy '" + strategy.name() + "'";
        Path backups = scratchDir().resolve("backups-" + UUID.randomUUID().toString().substring(0, 8));
        backupDirs.add(backups);
        call("creating " + backups, () -> createDirectories(backups));
        Prepared source = prepare("source");
        Session sourceSession = adminSession(source);

        call("writing the first rows", () -> engineClient().putAll(sourceSession, rows(0, FIRST_ROWS, "first")));
        call("writing the first probe", () -> engineClient().put(sourceSession, "probe-1", "first batch ✓ 😀"));
        Stored full = backup(strategy, source, Optional.empty(), backups.resolve("full"), "backup()" + by);
        String afterFull = fingerprint(sourceSession, "after the full backup");

        call("writing the second rows", () -> engineClient().putAll(sourceSession, rows(FIRST_ROWS / 2, FIRST_ROWS, "second")));
        call("writing the second probe", () -> engineClient().put(sourceSession, "probe-2", "second batch ✓ 中文"));
        Optional<Stored> incremental = Optional.empty();
        String afterIncremental = fingerprint(sourceSession, "after the second rows");
        assertThat(afterIncremental).as("fingerprint() after writing rows, against the one before").isNotEqualTo(afterFull);
        if (strategy.incremental()) {
            incremental = Optional.of(backup(strategy, source, Optional.of(full.metadata()), backups.resolve("incremental"),
                    "incremental backup()" + by));
            assertThat(fingerprint(sourceSession, "after the incremental backup"))
                    .as("fingerprint() after an incremental backup" + by).isEqualTo(afterIncremental);
        } else {
            assertThatThrownBy(() -> strategy.backup(source.context(), Optional.of(full.metadata()), OutputStream.nullOutputStream()))
                    .as("backup() with a parent" + by + ", which is not incremental")
                    .isInstanceOf(NotSupportedException.class);
        }
        call("writing the third rows", () -> engineClient().putAll(sourceSession, rows(FIRST_ROWS * 2, FIRST_ROWS / 4, "third")));
        call("writing the third probe", () -> engineClient().put(sourceSession, "probe-3", "third batch"));

        Prepared fromFull = restoreIntoFreshInstance(strategy, List.of(full), "the full backup");
        expectRestored(strategy, fromFull, afterFull, 1, "the full backup");
        destroy(fromFull);
        if (incremental.isPresent()) {
            Prepared fromChain = restoreIntoFreshInstance(strategy, List.of(full, incremental.get()), "the full and incremental backups");
            expectRestored(strategy, fromChain, afterIncremental, 2, "the full and incremental backups");
            destroy(fromChain);
        }

        Stored truncated = new Stored(backups.resolve("truncated"), full.metadata());
        call("truncating a backup", () -> truncate(full.file(), truncated.file()));
        Prepared target = prepareTarget(strategy, "truncated");
        call("preparing the restore of a truncated backup" + by, () -> clearForRestore(strategy, target));
        assertThatThrownBy(() -> restoreOne(strategy, target, truncated))
                .as("restore()" + by + " of a full backup cut off at half its length").isInstanceOf(DatastoreException.class);
        destroy(target);

        destroy(source);
        TckInstanceContext.deleteTree(backups);
    }

    /** A backup written to a file, and its metadata. */
    private record Stored(Path file, BackupMetadata metadata) {}

    private Stored backup(BackupStrategy strategy, Prepared source, Optional<BackupMetadata> parent, Path file, String operation) {
        BackupMetadata metadata = call(operation, () -> {
            try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(file))) {
                return strategy.backup(source.context(), parent, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(metadata.strategy()).as("the strategy named in the metadata of %s", operation).isEqualTo(strategy.name());
        assertThat(file).as("what %s wrote", operation).isNotEmptyFile();
        return new Stored(file, metadata);
    }

    /**
     * Restores a chain the way the control plane does: into an instance prepared with no databases
     * and no users; for a physical strategy the engine is stopped and the data directory emptied but
     * for its hidden entries, every backup is restored in order, the engine started and
     * {@link BackupStrategy#afterRestore} called once.
     */
    private Prepared restoreIntoFreshInstance(BackupStrategy strategy, List<Stored> chain, String what) {
        String by = " by strategy '" + strategy.name() + "'";
        Prepared target = prepareTarget(strategy, "restored");
        call("preparing the restore of " + what + by, () -> clearForRestore(strategy, target));
        for (Stored backup : chain) {
            call("restore() of " + backup.file().getFileName() + by, () -> restoreOne(strategy, target, backup));
        }
        if (strategy.kind() == BackupStrategy.Kind.PHYSICAL) {
            call("start() after a restore" + by, target.instance()::start);
            call("afterRestore()" + by, () -> strategy.afterRestore(target.context()));
        }
        return target;
    }

    /**
     * A fresh instance to restore into, prepared the way the control plane prepares it: with no
     * databases and no users, and for a physical strategy with
     * {@link DatastoreInstance#prepareForPhysicalRestore}, which must leave the engine stopped.
     */
    private Prepared prepareTarget(BackupStrategy strategy, String purpose) {
        if (strategy.kind() != BackupStrategy.Kind.PHYSICAL) {
            return prepare(purpose, EMPTY_REQUEST);
        }
        TckInstanceContext context = newContext(purpose);
        DatastoreInstance instance = call("open()", () -> driver().open(context));
        call("prepareForPhysicalRestore()", () -> instance.prepareForPhysicalRestore(EMPTY_REQUEST));
        expectStatus(instance, HealthStatus.SHUTDOWN, "prepareForPhysicalRestore()");
        return new Prepared(context, instance);
    }

    private static void clearForRestore(BackupStrategy strategy, Prepared target) {
        if (strategy.kind() == BackupStrategy.Kind.PHYSICAL) {
            target.instance().stop();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.context().dataDir(),
                    p -> !p.getFileName().toString().startsWith("."))) {
                for (Path entry : entries) {
                    TckInstanceContext.deleteTree(entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void restoreOne(BackupStrategy strategy, Prepared target, Stored backup) {
        try (InputStream source = new BufferedInputStream(Files.newInputStream(backup.file()))) {
            strategy.restore(target.context(), backup.metadata(), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void expectRestored(BackupStrategy strategy, Prepared restored, String fingerprint, int probes, String what) {
        String into = " an instance restored" + " by strategy '" + strategy.name() + "' from " + what;
        expectStatus(restored.instance(), HealthStatus.RUNNING, "restoring" + " by strategy '" + strategy.name() + "' from " + what);
        Session session = adminSession(restored);
        if (claims(Capability.USERS)) {
            assertThat(engineClient().canLogIn(session)).as("the user created by prepare() of the source logs in to" + into).isTrue();
        }
        assertThat(fingerprint(session, "of" + into)).as("fingerprint() of%s, against the source's when it was backed up", into)
                .isEqualTo(fingerprint);
        for (int probe = 1; probe <= 3; probe++) {
            String key = "probe-" + probe;
            Optional<String> value = call("reading through the engine client", () -> engineClient().get(session, key));
            if (probe <= probes) {
                assertThat(value).as("%s in%s", key, into).isPresent();
            } else {
                assertThat(value).as("%s, written after the backup, in%s", key, into).isEmpty();
            }
        }
        if (claims(Capability.DATABASES)) {
            assertThat(names(call("databases().list()", () -> restored.instance().databases().list())))
                    .as("databases().list() of%s", into).containsExactly(DATABASE);
        }
        if (claims(Capability.USERS)) {
            List<String> grants = claims(Capability.DATABASES) ? List.of(DATABASE) : List.of();
            assertThat(call("users().list()", () -> restored.instance().users().list()))
                    .as("users().list() of%s", into).containsExactly(new User(USER.user(), "%", grants));
        }
        call("stop() of" + into, restored.instance()::stop);
        call("start() of" + into, restored.instance()::start);
        expectStatus(restored.instance(), HealthStatus.RUNNING, "stop() and start() of" + into);
        assertThat(fingerprint(session, "after a restart of" + into)).as("fingerprint() after a restart of%s", into)
                .isEqualTo(fingerprint);
    }

    private String fingerprint(Session session, String when) {
        return call("fingerprint() " + when, () -> engineClient().fingerprint(session));
    }

    private void destroy(Prepared prepared) {
        call("destroy()", prepared.instance()::destroy);
        assertThat(TckInstanceContext.processesReferencing(prepared.context().homeDir()))
                .as("processes referencing %s after destroy()", prepared.context().homeDir()).isEmpty();
        assertThat(prepared.context().homeDir()).as("instance home after destroy()").doesNotExist();
    }

    /**
     * Rows {@code r<n>} for {@code n} in {@code [from, from + count)}: short values with 4-byte
     * UTF-8 characters, quotes, backslashes, tabs and newlines, and every 100th a few kilobytes long.
     */
    private static Map<String, String> rows(int from, int count, String batch) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (int n = from; n < from + count; n++) {
            String value = batch + " " + n + " Grüße 😀 中文 'it''s' back\\slash\ttab\nnewline";
            if (n % 100 == 0) {
                value = value + " " + (batch + " " + n + " ").repeat(4000 / (batch.length() + 8));
            }
            rows.put(String.format("r%06d", n), value);
        }
        return rows;
    }

    private static void truncate(Path from, Path to) {
        try {
            byte[] bytes = Files.readAllBytes(from);
            Files.write(to, Arrays.copyOf(bytes, bytes.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<BackupStrategy> strategiesOnClassPath() {
        return load(ServiceLoader.load(BackupStrategy.class, driver().getClass().getClassLoader()).iterator(), new ArrayList<>());
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

    // ---------------------------------------------------------------- helpers

    /** A prepared instance and its context. */
    private record Prepared(TckInstanceContext context, DatastoreInstance instance) {}

    private Datastore driver() {
        if (datastore == null) {
            datastore = datastore();
        }
        return datastore;
    }

    private String type() {
        return driver().type();
    }

    private boolean claims(Capability capability) {
        return claimedCapabilities().contains(capability);
    }

    private DatastoreVersion version() {
        List<DatastoreVersion> offered = call("versions()", driver()::versions);
        Optional<DatastoreVersion> chosen = versionName()
                .map(name -> offered.stream().filter(v -> v.name().equals(name)).findFirst())
                .orElseGet(() -> offered.stream().findFirst());
        if (chosen.isEmpty()) {
            String message = "The '" + type() + "' datastore offers no version"
                    + versionName().map(name -> " " + name).orElse("") + " on this host: " + engineRequirement()
                    + " is missing.";
            if (requireEngine()) {
                fail(message + " This driver's build requires the engine.");
            }
            Assumptions.abort(message);
        }
        return chosen.get();
    }

    private TckInstanceContext newContext(String purpose) {
        DatastoreVersion version = version();
        String id = UUID.randomUUID().toString();
        TckInstanceContext context = TckInstanceContext.create(id, version, flavor(),
                scratchDir().resolve(purpose.charAt(0) + id.substring(0, 7)),
                scratchDir().resolve("templates").resolve(type() + "-" + version.name()), "127.0.0.1", ports().freePort());
        contexts.add(context);
        return context;
    }

    private Prepared prepare(String purpose) {
        return prepare(purpose, request());
    }

    private Prepared prepare(String purpose, PrepareRequest request) {
        TckInstanceContext context = newContext(purpose);
        DatastoreInstance instance = call("open()", () -> driver().open(context));
        call("prepare()", () -> instance.prepare(request));
        return new Prepared(context, instance);
    }

    private Prepared adminInstance() {
        if (admin == null) {
            admin = prepare("admin");
        }
        return admin;
    }

    private PrepareRequest request() {
        List<DatabaseSpec> databases = claims(Capability.DATABASES) ? List.of(DatabaseSpec.named(DATABASE)) : List.of();
        List<UserSpec> users = claims(Capability.USERS)
                ? List.of(new UserSpec(USER.user(), "%", USER.password(), claims(Capability.DATABASES) ? List.of(DATABASE) : List.of()))
                : List.of();
        return new PrepareRequest(databases, users);
    }

    private Session adminSession(Prepared prepared) {
        return session(prepared, claims(Capability.USERS) ? Optional.of(USER) : Optional.empty());
    }

    private Session session(Prepared prepared, Optional<Login> login) {
        Optional<String> database = claims(Capability.DATABASES) ? Optional.of(DATABASE) : Optional.empty();
        return new Session(prepared.context(), prepared.instance().endpoint(), login, database);
    }

    private void expectStatus(DatastoreInstance instance, HealthStatus expected, String after) {
        assertThat(call("status()", instance::status)).as("status() after %s", after).isEqualTo(expected);
    }

    private void expectValue(Session session, String key, String value, String after) {
        assertThat(call("reading through the engine client", () -> engineClient().get(session, key)))
                .as("data written before %s", after).contains(value);
    }

    private void expectNotSupported(String operation, Runnable call) {
        assertThatThrownBy(call::run)
                .as("%s() of datastore '%s', which does not claim it", operation, type())
                .isInstanceOf(NotSupportedException.class)
                .hasMessage(NotSupportedException.message(operation, type()));
    }

    private static void killEngine(TckInstanceContext context) {
        List<Long> pids = TckInstanceContext.processesReferencing(context.homeDir());
        assertThat(pids).as("engine processes of a running instance").isNotEmpty();
        TckInstanceContext.killProcessesReferencing(context.homeDir());
        long deadline = System.nanoTime() + CRASH_WAIT.toNanos();
        while (!TckInstanceContext.processesReferencing(context.homeDir()).isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("engine processes still alive %s after SIGKILL", CRASH_WAIT).isNegative();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while killing the engine", e);
            }
        }
    }

    private static List<String> names(List<DatabaseSpec> databases) {
        return databases.stream().map(DatabaseSpec::name).toList();
    }

    private <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException | LinkageError e) {
            throw new AssertionError(operation + " failed for datastore '" + typeOrUnknown() + "': " + describe(e), e);
        }
    }

    private void call(String operation, Runnable action) {
        call(operation, () -> {
            action.run();
            return null;
        });
    }

    private String typeOrUnknown() {
        try {
            return type();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Iterates providers the way the control plane does: a broken entry is recorded and skipped. */
    private static <S> List<S> load(Iterator<S> providers, List<Throwable> errors) {
        return Plugins.load(providers, errors::add);
    }

    /** Lists its own resources before its parent's, so the broken entry is met before the driver. */
    private static final class OwnResourcesFirst extends URLClassLoader {
        OwnResourcesFirst(URL url, ClassLoader parent) {
            super(new URL[] {url}, parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
            all.addAll(Collections.list(getParent().getResources(name)));
            return Collections.enumeration(all);
        }
    }
}
