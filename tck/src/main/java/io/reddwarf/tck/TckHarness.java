package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.Plugins;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import io.reddwarf.tck.EngineClient.Login;
import io.reddwarf.tck.EngineClient.Session;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What every section of the TCK shares: the driver's hooks, the instances it prepares (and destroys
 * after the class), and the assertions that name the operation that failed. {@link DatastoreTck}
 * is the class drivers extend.
 */
abstract class TckHarness {
    static final String DATABASE = "tck_shop";
    static final Login USER = new Login("tck_alice", new Secret("Tck-al1ce-pw"));
    static final Login OTHER_USER = new Login("tck_bob", new Secret("Tck-b0b-pw"));
    static final Duration CRASH_WAIT = Duration.ofSeconds(10);

    static final int FIRST_ROWS = 2000;
    static final PrepareRequest EMPTY_REQUEST = new PrepareRequest(List.of(), List.of());

    final List<TckInstanceContext> contexts = new ArrayList<>();
    final List<Path> backupDirs = new ArrayList<>();
    Datastore datastore;
    Prepared admin;

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

    // ---------------------------------------------------------------- helpers

    /** A prepared instance and its context. */
    record Prepared(TckInstanceContext context, DatastoreInstance instance) {}

    Datastore driver() {
        if (datastore == null) {
            datastore = datastore();
        }
        return datastore;
    }

    String type() {
        return driver().type();
    }

    boolean claims(Capability capability) {
        return claimedCapabilities().contains(capability);
    }

    DatastoreVersion version() {
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

    TckInstanceContext newContext(String purpose) {
        DatastoreVersion version = version();
        String id = UUID.randomUUID().toString();
        TckInstanceContext context = TckInstanceContext.create(id, version, flavor(),
                scratchDir().resolve(purpose.charAt(0) + id.substring(0, 7)),
                scratchDir().resolve("templates").resolve(type() + "-" + version.name()), "127.0.0.1", ports().freePort());
        contexts.add(context);
        return context;
    }

    Prepared prepare(String purpose) {
        return prepare(purpose, request());
    }

    Prepared prepare(String purpose, PrepareRequest request) {
        TckInstanceContext context = newContext(purpose);
        DatastoreInstance instance = call("open()", () -> driver().open(context));
        call("prepare()", () -> instance.prepare(request));
        return new Prepared(context, instance);
    }

    Prepared adminInstance() {
        if (admin == null) {
            admin = prepare("admin");
        }
        return admin;
    }

    PrepareRequest request() {
        List<DatabaseSpec> databases = claims(Capability.DATABASES) ? List.of(DatabaseSpec.named(DATABASE)) : List.of();
        List<UserSpec> users = claims(Capability.USERS)
                ? List.of(new UserSpec(USER.user(), "%", USER.password(), claims(Capability.DATABASES) ? List.of(DATABASE) : List.of()))
                : List.of();
        return new PrepareRequest(databases, users);
    }

    Session adminSession(Prepared prepared) {
        return session(prepared, claims(Capability.USERS) ? Optional.of(USER) : Optional.empty());
    }

    Session session(Prepared prepared, Optional<Login> login) {
        Optional<String> database = claims(Capability.DATABASES) ? Optional.of(DATABASE) : Optional.empty();
        return new Session(prepared.context(), prepared.instance().endpoint(), login, database);
    }

    void expectStatus(DatastoreInstance instance, HealthStatus expected, String after) {
        assertThat(call("status()", instance::status)).as("status() after %s", after).isEqualTo(expected);
    }

    void expectValue(Session session, String key, String value, String after) {
        assertThat(call("reading through the engine client", () -> engineClient().get(session, key)))
                .as("data written before %s", after).contains(value);
    }

    void expectNotSupported(String operation, Runnable call) {
        assertThatThrownBy(call::run)
                .as("%s() of datastore '%s', which does not claim it", operation, type())
                .isInstanceOf(NotSupportedException.class)
                .hasMessage(NotSupportedException.message(operation, type()));
    }

    static void killEngine(TckInstanceContext context) {
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

    static List<String> names(List<DatabaseSpec> databases) {
        return databases.stream().map(DatabaseSpec::name).toList();
    }

    <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException | LinkageError e) {
            throw new AssertionError(operation + " failed for datastore '" + typeOrUnknown() + "': " + describe(e), e);
        }
    }

    void call(String operation, Runnable action) {
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
    static <S> List<S> load(Iterator<S> providers, List<Throwable> errors) {
        return Plugins.load(providers, errors::add);
    }

    /** Lists its own resources before its parent's, so the broken entry is met before the driver. */
    static final class OwnResourcesFirst extends URLClassLoader {
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
