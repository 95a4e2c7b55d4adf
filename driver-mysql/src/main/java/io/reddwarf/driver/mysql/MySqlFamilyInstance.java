package io.reddwarf.driver.mysql;

import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteAccount;
import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteString;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatabaseAdmin;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.ProcessSupervisor.Daemon;
import io.reddwarf.spi.RootAdmin;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of an engine of the MySQL family (MariaDB, MySQL and Percona, told apart by its
 * {@link Engine}) on the host its context describes: lifecycle, TLS, flavor and access; its accounts
 * and schemas are {@link MySqlFamilyAccounts}. Everything it knows comes from its context's files:
 * {@code conf/my.cnf} and {@code conf/client.cnf} (mode 0600; besides the administrative login it
 * names the client programs' directory for the backup strategies), the secret {@code admin-password},
 * the marker {@code data/.reddwarf-prepared} (prepare finished) and {@code run/stopped} (stopped on
 * purpose).
 */
final class MySqlFamilyInstance implements DatastoreInstance {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlFamilyInstance.class);

    static final String DAEMON = "mariadbd";
    static final String ADMIN_SECRET = "admin-password";
    private static final String PREPARED_MARKER = ".reddwarf-prepared";
    private static final String STOPPED_MARKER = "stopped";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration DESTROY_GRACE = Duration.ofSeconds(5);
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(5);
    /** Unix socket paths longer than this do not fit {@code sockaddr_un}. */
    private static final int MAX_SOCKET_PATH = 107;
    /**
     * Settings the template is created with and every instance runs with; a differing redo log
     * size would make the first start resize the log.
     */
    static final List<String> TEMPLATE_SETTINGS = List.of("--innodb-log-file-size=8M");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What MySQL's initialisation leaves in a data directory that must not be shared between instances. */
    private static final List<String> TEMPLATE_KEYS = List.of("ca.pem", "ca-key.pem", "server-cert.pem",
            "server-key.pem", "client-cert.pem", "client-key.pem", "private_key.pem", "public_key.pem");
    /** The engine refused the control plane's login or one of its privileges (access denied, account locked). */
    private static final java.util.regex.Pattern ACCESS_ERROR =
            java.util.regex.Pattern.compile("ERROR (1044|1045|1142|1143|1227|1370|1698|3118|4151)\\b");

    private final Engine engine;
    private final Binaries binaries;
    private final InstanceContext context;
    private final MariaDbConfigRenderer renderer;
    private final MySqlFamilyAccounts accounts;

    MySqlFamilyInstance(Engine engine, Binaries binaries, InstanceContext context) {
        this.engine = requireNonNull(engine, "engine is null");
        this.binaries = requireNonNull(binaries, "binaries is null");
        this.context = requireNonNull(context, "context is null");
        this.renderer = new MariaDbConfigRenderer(engine, binaries);
        this.accounts = new MySqlFamilyAccounts(engine, this::admin);
    }

    /** How long the steps of one {@link #prepare} took, in milliseconds. */
    record PrepareTimings(long templateMillis, long copyMillis, long startMillis, long sqlMillis) {}

    @Override
    public String type() {
        return engine.type();
    }

    @Override
    public void prepare(PrepareRequest request) {
        prepareMeasured(request);
    }

    /** Configuration and credentials only: the data directory stays empty for the restore, the engine stopped. */
    @Override
    public void prepareForPhysicalRestore(PrepareRequest request) {
        requireNonNull(request, "request is null");
        MySqlIdentifiers.validate(request);
        checkSocketPath();
        stop();
        deleteContents(context.dataDir());
        createConfinedDirectories(context);
        writeServerConfig();
        writeClientConfig(context.secrets().getOrGenerate(ADMIN_SECRET));
        try {
            Files.writeString(preparedMarker(), "", UTF_8);
        } catch (IOException e) {
            throw new DatastoreException("Could not mark instance " + context.instanceId() + " as prepared.", e);
        }
        LOG.info("Prepared {} instance {} for a physical restore", type(), context.instanceId());
    }

    PrepareTimings prepareMeasured(PrepareRequest request) {
        requireNonNull(request, "request is null");
        MySqlIdentifiers.validate(request);
        request.users().forEach(user -> MySqlIdentifiers.validateUserNameLength(user.name(), engine.maxUserNameLength()));
        if (Files.exists(preparedMarker())) {
            long started = System.nanoTime();
            start();
            return new PrepareTimings(0, 0, millisSince(started), 0);
        }
        checkSocketPath();
        context.processes().stop(DAEMON, STOP_GRACE);

        long started = System.nanoTime();
        DataDirTemplate templates = new DataDirTemplate(engine, binaries, context);
        Path template = templates.ensure();
        long templateMillis = millisSince(started);

        started = System.nanoTime();
        deleteContents(context.dataDir());
        if (!templates.takeSpare(template, context.dataDir())) {
            copyTree(template, context.dataDir());
        }
        // MySQL derives the server's UUID from it, and generates keys and certificates at
        // initialisation: each instance must get its own, not the template's.
        deleteTree(context.dataDir().resolve("auto.cnf"));
        for (String shared : TEMPLATE_KEYS) {
            deleteTree(context.dataDir().resolve(shared));
        }
        long copyMillis = millisSince(started);

        Secret adminPassword = context.secrets().getOrGenerate(ADMIN_SECRET);
        createConfinedDirectories(context);
        writeServerConfig();
        writeClientConfig(adminPassword);

        started = System.nanoTime();
        start();
        long startMillis = millisSince(started);

        started = System.nanoTime();
        List<Secret> secrets = new ArrayList<>();
        secrets.add(adminPassword);
        StringBuilder sql = new StringBuilder(adminAccountSql(adminPassword));
        sql.append(MySqlFamilyAccounts.createDatabasesSql(request.databases()));
        sql.append(MySqlFamilyAccounts.createUsersSql(request.users(), secrets));
        sql.append(engine.lockRootSql(context, secrets));
        client().runAsSocketRoot(sql.toString(), secrets);
        long sqlMillis = millisSince(started);

        try {
            Files.writeString(preparedMarker(), "", UTF_8);
        } catch (IOException e) {
            throw new DatastoreException("Could not mark instance " + context.instanceId() + " as prepared.", e);
        }
        // the next preparation's copy is made now, while nobody waits for it
        templates.refillSpare(template);
        PrepareTimings timings = new PrepareTimings(templateMillis, copyMillis, startMillis, sqlMillis);
        LOG.info("Prepared {} instance {}: template {} ms, copy {} ms, start {} ms, accounts {} ms", type(),
                context.instanceId(), templateMillis, copyMillis, startMillis, sqlMillis);
        return timings;
    }

    /** The control plane's account on both local hosts, with every privilege; also resets its password. */
    private static String adminAccountSql(Secret adminPassword) {
        StringBuilder sql = new StringBuilder();
        for (String host : List.of("localhost", "127.0.0.1")) {
            String account = quoteAccount(MySqlIdentifiers.ADMIN_USER, host);
            sql.append("CREATE USER IF NOT EXISTS ").append(account).append(" IDENTIFIED BY ")
                    .append(quoteString(adminPassword.value())).append(";\n")
                    .append("ALTER USER ").append(account).append(" IDENTIFIED BY ")
                    .append(quoteString(adminPassword.value())).append(" ACCOUNT UNLOCK;\n")
                    .append("GRANT ALL PRIVILEGES ON *.* TO ").append(account).append(" WITH GRANT OPTION;\n");
        }
        return sql.toString();
    }

    /**
     * A tenant's root can drop, lock, re-password or strip the control plane's account, directly or
     * by editing the grant tables. When the account no longer logs in with every privilege, the
     * engine restarts once with an {@code --init-file} that recreates it: such a file runs before
     * any client connects and needs no account at all.
     */
    @Override
    public Optional<String> repairAccess() {
        if (adminAccessWorks()) {
            return Optional.empty();
        }
        Secret adminPassword = context.secrets().get(ADMIN_SECRET).orElseThrow(() -> new DatastoreException(
                "Instance " + context.instanceId() + " has no administrative account: it has not been prepared."));
        writeClientConfig(adminPassword);
        Path repair = context.confDir().resolve("repair-access.sql");
        writePrivateFile(repair, adminAccountSql(adminPassword) + "FLUSH PRIVILEGES;\n");
        try {
            stop();
            start(List.of("--init-file=" + repair), List.of(repair));
        } finally {
            try {
                Files.deleteIfExists(repair);
            } catch (IOException e) {
                LOG.warn("Could not remove {}: {}", repair, e.toString());
            }
        }
        if (!adminAccessWorks()) {
            throw new DatastoreException("The control plane's account on instance " + context.instanceId()
                    + " could not be restored.");
        }
        LOG.warn("Restored the administrative account of instance {}, which was changed inside the engine",
                context.instanceId());
        return Optional.of("The control plane's administrative account was removed or changed inside the engine;"
                + " Reddwarf restored it and restarted the engine.");
    }

    /** Whether the administrative account logs in and still holds every privilege with the grant option. */
    private boolean adminAccessWorks() {
        try {
            String grants = client().runAsAdmin("SHOW GRANTS FOR CURRENT_USER();\n", List.of()).stream()
                    .map(row -> String.join(" ", row))
                    .collect(Collectors.joining("\n"));
            return grants.contains(" ON *.* ") && grants.contains("WITH GRANT OPTION")
                    && (grants.contains("ALL PRIVILEGES") || grants.contains("CREATE USER"));
        } catch (DatastoreException e) {
            if (e.getMessage() != null && ACCESS_ERROR.matcher(e.getMessage()).find()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void start() {
        start(List.of(), List.of());
    }

    private void start(List<String> extraOptions, List<Path> extraReads) {
        OptionalLong running = context.processes().alivePid(DAEMON);
        if (running.isPresent()) {
            awaitReady(running.getAsLong());
            return;
        }
        if (!Files.exists(serverConfig())) {
            throw new DatastoreException("Instance " + context.instanceId() + " cannot start: it has not been prepared.");
        }
        try {
            Files.deleteIfExists(stoppedMarker());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createConfinedDirectories(context);
        List<String> argv = new ArrayList<>(List.of(binaries.require(engine.serverBinary()).toString(),
                "--defaults-file=" + serverConfig()));
        argv.addAll(extraOptions);
        List<Path> reads = new ArrayList<>(List.of(serverConfig()));
        context.tls().ifPresent(tls -> reads.addAll(List.of(tls.certificate(), tls.privateKey(), tls.authority())));
        reads.addAll(extraReads);
        long pid = context.processes().spawn(new Daemon(DAEMON, argv, Map.of(), context.dataDir(), reads));
        awaitReady(pid);
        renderer.started(context);
    }

    /**
     * The directories the engine's file operations and plugins are confined to ({@code secure_file_priv}
     * and {@code plugin_dir}): empty, and the control plane's, so a tenant can neither read nor plant a
     * file through them.
     */
    static void createConfinedDirectories(InstanceContext context) {
        try {
            for (Path dir : List.of(filesDirOf(context), pluginDirOf(context))) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
            }
        } catch (IOException e) {
            throw new DatastoreException("Could not create the confined directories of instance " + context.instanceId() + ".", e);
        }
    }

    /** The only directory {@code LOAD DATA INFILE}, {@code LOAD_FILE()} and {@code SELECT ... INTO OUTFILE} may use. */
    static Path filesDirOf(InstanceContext context) {
        return context.homeDir().resolve("files");
    }

    /** The engine's plugin directory: empty, so {@code INSTALL SONAME} loads nothing. */
    static Path pluginDirOf(InstanceContext context) {
        return context.homeDir().resolve("plugins");
    }

    private void awaitReady(long pid) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (context.processes().alivePid(DAEMON).isEmpty()) {
                throw new DatastoreException("The " + type() + " server of instance " + context.instanceId()
                        + " exited while starting. Its log ends with:\n" + errorLogTail());
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new DatastoreException("The " + type() + " server of instance " + context.instanceId()
                        + " (pid " + pid + ") did not accept connections within " + START_TIMEOUT.toSeconds()
                        + " s. Its log ends with:\n" + errorLogTail());
            }
            try {
                if (HandshakeProbe.answersOnSocket(socket(), Duration.ofNanos(Math.min(remaining, 1_000_000_000L)))) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Polled again below.
            }
            sleep(POLL);
        }
    }

    @Override
    public void stop() {
        try {
            if (Files.isDirectory(context.runDir())) {
                Files.writeString(stoppedMarker(), "", UTF_8);
            }
        } catch (IOException e) {
            throw new DatastoreException("Could not record the stop of instance " + context.instanceId() + ".", e);
        }
        context.processes().stop(DAEMON, STOP_GRACE);
    }

    @Override
    public HealthStatus status() {
        try {
            if (context.processes().alivePid(DAEMON).isEmpty()) {
                boolean intended = Files.exists(stoppedMarker()) || !Files.exists(preparedMarker());
                return intended ? HealthStatus.SHUTDOWN : HealthStatus.CRASHED;
            }
            try {
                return HandshakeProbe.answersOnSocket(socket(), STATUS_TIMEOUT)
                        ? HealthStatus.RUNNING
                        : HealthStatus.STARTING;
            } catch (IOException notListening) {
                return HealthStatus.STARTING;
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not determine the status of instance {}: {}", context.instanceId(), e.toString());
            return HealthStatus.UNKNOWN;
        }
    }

    @Override
    public Endpoint endpoint() {
        return new Endpoint(context.bindAddress(), context.port());
    }

    @Override
    public void destroy() {
        try {
            context.processes().stop(DAEMON, DESTROY_GRACE);
        } catch (DatastoreException e) {
            LOG.warn("Could not stop the server of instance {} before removing it: {}", context.instanceId(), e.getMessage());
        }
        deleteTree(context.homeDir());
    }

    /** The settings file is rendered from the context's flavor; the engine reads it at start. */
    @Override
    public void applyFlavor() {
        writeServerConfig();
        restart();
    }

    @Override
    public DatabaseAdmin databases() {
        return accounts.databases();
    }

    @Override
    public UserAdmin users() {
        return accounts.users();
    }

    @Override
    public RootAdmin root() {
        return accounts.root();
    }

    /** Runs {@code sql} as the administrative account (for the configuration renderer). */
    List<List<String>> adminSql(String sql) {
        return admin(sql, List.of());
    }

    private List<List<String>> admin(String sql, List<Secret> secrets) {
        if (!Files.exists(clientConfig())) {
            writeClientConfig(context.secrets().get(ADMIN_SECRET).orElseThrow(() -> new DatastoreException(
                    "Instance " + context.instanceId() + " has no administrative account: it has not been prepared.")));
        }
        return client().runAsAdmin(sql, secrets);
    }

    private MySqlClient client() {
        return new MySqlClient(context, binaries.require(engine.clientBinary()), socket(), clientConfig(),
                engine.clientSocketWithoutTls());
    }

    static Secret generatePassword() {
        StringBuilder value = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            value.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return new Secret(value.toString());
    }

    /** The server configuration, rendered by the one renderer from the flavor and the stored values. */
    private void writeServerConfig() {
        renderer.rewrite(context);
    }

    private void writeClientConfig(Secret adminPassword) {
        writePrivateFile(clientConfig(), "[client]\n"
                + "user=" + MySqlIdentifiers.ADMIN_USER + "\n"
                + "password=" + adminPassword.value() + "\n"
                + "socket=" + socket() + "\n"
                + "\n"
                + "# read by the backup strategies, not by the engine's programs\n"
                + "[reddwarf]\n"
                + "bin-dir=" + binaries.require(engine.clientBinary()).getParent() + "\n");
    }

    /** Writes {@code content} to a file that is mode 0600 from its creation, replacing it atomically. */
    static void writePrivateFile(Path target, String content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content.getBytes(UTF_8)));
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DatastoreException("Could not write " + target + ".", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Nothing to clean up then.
            }
        }
    }

    private void checkSocketPath() {
        if (socket().toString().getBytes(UTF_8).length > MAX_SOCKET_PATH) {
            throw new DatastoreException("The socket path " + socket() + " is longer than " + MAX_SOCKET_PATH
                    + " bytes; use a shorter instance home.");
        }
    }

    private String errorLogTail() {
        Path log = context.logDir().resolve("error.log");
        if (Files.isReadable(log)) {
            return String.join("\n", lastErrors());
        }
        // an engine that could not even open its error log wrote why to its standard output
        Path output = context.logDir().resolve(DAEMON + ".out");
        if (Files.isReadable(output)) {
            return "(no error log at " + log + "; its output ends with:)\n" + String.join("\n", lastErrors());
        }
        return "(no error log at " + log + ", no output at " + output + ")";
    }

    /**
     * The last five [ERROR] lines of the engine's log, or its last five lines when it has none; the
     * end of its standard output when it could not even open its log.
     */
    @Override
    public List<String> lastErrors() {
        try {
            List<String> lines = Files.readAllLines(context.logDir().resolve("error.log"), UTF_8);
            // the reason is in the [ERROR] lines; the notes before them only fill the fault message
            List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]")).toList();
            List<String> shown = errors.isEmpty() ? lines : errors;
            return List.copyOf(shown.subList(Math.max(0, shown.size() - 5), shown.size()));
        } catch (IOException | RuntimeException noLog) {
            try {
                List<String> lines = Files.readAllLines(context.logDir().resolve(DAEMON + ".out"), UTF_8);
                return List.copyOf(lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            } catch (IOException | RuntimeException noOutput) {
                return List.of();
            }
        }
    }

    private Path socket() {
        return socketOf(context);
    }

    static Path socketOf(InstanceContext context) {
        return context.runDir().resolve("mysqld.sock");
    }

    private Path serverConfig() {
        return MariaDbConfigRenderer.configFile(context);
    }

    private Path clientConfig() {
        return context.confDir().resolve("client.cnf");
    }

    private Path preparedMarker() {
        return context.dataDir().resolve(PREPARED_MARKER);
    }

    private Path stoppedMarker() {
        return context.runDir().resolve(STOPPED_MARKER);
    }

    static void copyTree(Path source, Path target) {
        copyTree(source, target, (from, to) -> Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING));
    }

    /** How {@link #copyTree} copies one file (tests put a failing one in its place). */
    interface FileCopy {
        void copy(Path from, Path to) throws IOException;
    }

    /**
     * Copies the template's tree into {@code target}, which is empty. A copy that fails (a full
     * disk, say) removes what it copied: a failed build leaves no partial data directory to fill
     * the disk further.
     */
    static void copyTree(Path source, Path target, FileCopy copy) {
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(source.relativize(dir)));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    copy.copy(file, target.resolve(source.relativize(file)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            DatastoreException failure = new DatastoreException("Could not copy the data directory template into "
                    + target + ": " + reason(e), e);
            try {
                deleteContents(target);
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /** What went wrong, without the paths a {@link FileSystemException} repeats. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    static void deleteContents(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                deleteTree(entry);
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new DatastoreException("Could not empty " + dir + ".", e);
        }
    }

    /** Deletes {@code root} and everything below it; parts already gone are fine. */
    static void deleteTree(Path root) {
        io.reddwarf.spi.FileTrees.delete(root);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("Interrupted while waiting for the server to start.", e);
        }
    }
}
