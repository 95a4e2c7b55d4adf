package io.reddwarf.driver.example;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.spi.DatabaseAdmin;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.ProcessSupervisor.Command;
import io.reddwarf.spi.ProcessSupervisor.Daemon;
import io.reddwarf.spi.ProcessSupervisor.ExecResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One instance of the {@code "example"} datastore. It keeps no state of its own: whether it is
 * prepared, stopped on purpose or running is read from files below the context's home each time,
 * because the control plane opens a new handle for every operation and after its own restarts.
 *
 * <p>The control plane calls one lifecycle operation at a time per instance, and any of them again
 * after a crash: each one must be idempotent.
 */
final class ExampleInstance implements DatastoreInstance {
    // TODO(driver): the name of your engine's daemon (used for its pid file).
    private static final String DAEMON = "mariadbd";
    private static final String PREPARED = ".example-prepared";
    private static final String STOPPED = "stopped";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final InstanceContext context;
    private final ExampleDatastore datastore;

    ExampleInstance(InstanceContext context, ExampleDatastore datastore) {
        this.context = context;
        this.datastore = datastore;
    }

    @Override
    public String type() {
        return ExampleDatastore.TYPE;
    }

    /**
     * Initialises the data directory, writes the configuration, starts the engine and creates the
     * requested databases. A second call after success just makes sure the engine runs; a call after
     * an interrupted attempt starts over.
     */
    @Override
    public void prepare(PrepareRequest request) {
        request.databases().forEach(ExampleDatastore::validateDatabase);
        if (Files.exists(context.dataDir().resolve(PREPARED))) {
            start();
            return;
        }
        context.processes().stop(DAEMON, STOP_GRACE);
        deleteBelow(context.dataDir());

        // TODO(driver): how your engine creates an empty, secured data directory. Here root can
        // only log in through the unix socket as the operating-system user running the control
        // plane, and there is no anonymous account or test database. (A production driver would
        // create this once per version in context.templateDir() and copy it: much faster.)
        List<String> install = new ArrayList<>(List.of(program("mariadb-install-db"), "--no-defaults",
                "--datadir=" + context.dataDir(), "--auth-root-authentication-method=socket", "--skip-test-db"));
        if ("root".equals(System.getProperty("user.name"))) {
            install.add("--user=root");
        }
        check(context.processes().exec(new Command(install, Optional.empty(), COMMAND_TIMEOUT, List.of())),
                "initialise the data directory");

        writeConfiguration();
        start();
        if (!request.databases().isEmpty()) {
            sql(createDatabases(request.databases()));
        }
        try {
            Files.writeString(context.dataDir().resolve(PREPARED), "", UTF_8);
        } catch (IOException e) {
            throw new DatastoreException("Could not mark instance " + context.instanceId() + " as prepared.", e);
        }
    }

    /** Spawns the engine detached (it outlives the control plane) and waits until it accepts connections. */
    @Override
    public void start() {
        if (context.processes().alivePid(DAEMON).isEmpty()) {
            if (!Files.exists(configuration())) {
                throw new DatastoreException("Instance " + context.instanceId() + " cannot start: it has not been prepared.");
            }
            deleteQuietly(context.runDir().resolve(STOPPED));
            // TODO(driver): your engine's command line. The command line must mention the instance's
            // home (here through --defaults-file): that is how the supervisor recognises its process.
            // The supervisor runs it under the instance's own unprivileged user (never pass --user):
            // name the configuration files it must read, since everything else in confDir is closed to it.
            List<String> argv = List.of(program("mariadbd"), "--defaults-file=" + configuration());
            context.processes().spawn(new Daemon(DAEMON, argv, Map.of(), context.dataDir(), List.of(configuration())));
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(Duration.ofMillis(200))) {
            if (context.processes().alivePid(DAEMON).isEmpty()) {
                throw new DatastoreException("The server of instance " + context.instanceId()
                        + " exited while starting; see " + context.logDir().resolve("error.log") + ".");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new DatastoreException("The server of instance " + context.instanceId() + " did not accept connections within "
                        + START_TIMEOUT.toSeconds() + " s.");
            }
            sleep(Duration.ofMillis(20));
        }
    }

    /** Records that the stop is intended (so status says SHUTDOWN, not CRASHED), then stops the engine. */
    @Override
    public void stop() {
        if (Files.isDirectory(context.runDir())) {
            try {
                Files.writeString(context.runDir().resolve(STOPPED), "", UTF_8);
            } catch (IOException e) {
                throw new DatastoreException("Could not record the stop of instance " + context.instanceId() + ".", e);
            }
        }
        context.processes().stop(DAEMON, STOP_GRACE);
    }

    /** Called often by the health loop: fast, and never throws. */
    @Override
    public HealthStatus status() {
        try {
            if (context.processes().alivePid(DAEMON).isEmpty()) {
                boolean intended = Files.exists(context.runDir().resolve(STOPPED))
                        || !Files.exists(context.dataDir().resolve(PREPARED));
                return intended ? HealthStatus.SHUTDOWN : HealthStatus.CRASHED;
            }
            return accepts(Duration.ofMillis(300)) ? HealthStatus.RUNNING : HealthStatus.STARTING;
        } catch (RuntimeException e) {
            return HealthStatus.UNKNOWN;
        }
    }

    @Override
    public Endpoint endpoint() {
        return new Endpoint(context.bindAddress(), context.port());
    }

    /** Stops the engine and removes the instance's home; fine on a half-prepared or destroyed instance. */
    @Override
    public void destroy() {
        context.processes().stop(DAEMON, Duration.ofSeconds(5));
        deleteBelow(context.homeDir());
        deleteQuietly(context.homeDir());
    }

    /** The one optional capability this driver claims; users() and root() keep the SPI's defaults. */
    @Override
    public DatabaseAdmin databases() {
        return new DatabaseAdmin() {
            @Override
            public List<DatabaseSpec> list() {
                String excluded = ExampleDatastore.systemDatabases().stream().sorted()
                        .map(name -> "'" + name + "'").collect(Collectors.joining(", "));
                return sql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (" + excluded
                        + ") ORDER BY SCHEMA_NAME").lines().map(DatabaseSpec::named).toList();
            }

            @Override
            public void create(List<DatabaseSpec> databases) {
                databases.forEach(ExampleDatastore::validateDatabase);
                if (!databases.isEmpty()) {
                    sql(createDatabases(databases));
                }
            }

            @Override
            public void drop(String name) {
                ExampleDatastore.validateDatabase(DatabaseSpec.named(name));
                sql("DROP DATABASE IF EXISTS `" + name + "`");
            }
        };
    }

    private static String createDatabases(List<DatabaseSpec> databases) {
        // Names were validated ([A-Za-z0-9_]), so backticks quote them safely.
        return databases.stream().map(d -> "CREATE DATABASE IF NOT EXISTS `" + d.name() + "`;").collect(Collectors.joining("\n"));
    }

    /** Runs SQL as root over the unix socket with the engine's client; returns the rows, tab-separated. */
    private String sql(String statements) {
        // TODO(driver): how your control plane talks to the engine. A client process keeps the
        // driver free of dependencies; statements go through stdin, never the command line.
        List<String> argv = List.of(program("mariadb"), "--no-defaults",
                "--socket=" + socket(), "--user=root", "--batch", "--skip-column-names");
        return check(context.processes().exec(new Command(argv, Optional.of(statements), COMMAND_TIMEOUT, List.of())),
                "run a statement").stdout();
    }

    private void writeConfiguration() {
        // TODO(driver): your engine's configuration, sized from context.flavor().
        String cnf = "[mariadbd]\n"
                + "datadir=" + context.dataDir() + "\n"
                + "socket=" + socket() + "\n"
                + "pid-file=" + context.runDir().resolve("server.pid") + "\n"
                + "port=" + context.port() + "\n"
                + "bind-address=" + context.bindAddress() + "\n"
                + "log-error=" + context.logDir().resolve("error.log") + "\n"
                + "skip-name-resolve\n"
                + "innodb_buffer_pool_size=" + Math.max(32, context.flavor().ramMb() / 2) + "M\n";
        try {
            // Configuration may hold secrets one day: private from the first byte.
            Files.deleteIfExists(configuration());
            Files.createFile(configuration(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(configuration(), cnf, UTF_8);
        } catch (IOException e) {
            throw new DatastoreException("Could not write " + configuration() + ".", e);
        }
    }

    /** Whether something accepts TCP connections on the instance's port. */
    private boolean accepts(Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(context.bindAddress(), context.port()), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ExecResult check(ExecResult result, String what) {
        if (!result.ok()) {
            // Error output is already redacted by the supervisor; the first line says enough.
            throw new DatastoreException("Could not " + what + ": " + result.stderr().strip().lines().findFirst().orElse("exit code "
                    + result.exitCode()));
        }
        return result;
    }

    private String program(String name) {
        return datastore.program(name).orElseThrow(() -> new DatastoreException(
                "The program '" + name + "' was not found; install the Debian package mariadb-server.")).toString();
    }

    private Path configuration() {
        return context.confDir().resolve("my.cnf");
    }

    private Path socket() {
        return context.runDir().resolve("mysqld.sock");
    }

    private static void deleteBelow(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(ExampleInstance::deleteQuietly);
        } catch (IOException e) {
            throw new DatastoreException("Could not empty " + dir + ".", e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new DatastoreException("Could not remove " + path + ".", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("Interrupted while waiting for the server.", e);
        }
    }
}
