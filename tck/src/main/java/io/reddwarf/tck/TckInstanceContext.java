package io.reddwarf.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.SecretStore;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@link InstanceContext} for conformance runs, needing nothing but the JDK: the instance
 * lives in {@code <home>/{data,conf,log,run}} (mode 0700), daemons run in their own session
 * ({@code setsid}) with a pid file in {@code run/}, and secrets are files of mode 0600 in
 * {@code conf/}. The control plane's own context adds what a long-lived service needs (surviving
 * its own restart, concurrent secret generation, redacted logging); this one is for a single test
 * process and keeps only what a driver can observe through the SPI.
 *
 * @param instanceId  a unique id
 * @param version     the version under test
 * @param flavor      the instance's size
 * @param homeDir     the instance's root directory (absolute)
 * @param templateDir the version-wide cache directory (absolute)
 * @param bindAddress where the engine listens
 * @param port        the engine's TCP port
 */
public record TckInstanceContext(
        String instanceId, DatastoreVersion version, Flavor flavor, Path homeDir, Path templateDir, String bindAddress, int port)
        implements InstanceContext {

    public TckInstanceContext {
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(version, "version is null");
        requireNonNull(flavor, "flavor is null");
        requireNonNull(bindAddress, "bindAddress is null");
        homeDir = requireNonNull(homeDir, "homeDir is null").toAbsolutePath().normalize();
        templateDir = requireNonNull(templateDir, "templateDir is null").toAbsolutePath().normalize();
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Creates the instance's directories and returns its context.
     *
     * @throws UncheckedIOException if a directory cannot be created
     */
    public static TckInstanceContext create(String instanceId, DatastoreVersion version, Flavor flavor, Path homeDir,
            Path templateDir, String bindAddress, int port) {
        TckInstanceContext context = new TckInstanceContext(instanceId, version, flavor, homeDir, templateDir, bindAddress, port);
        try {
            for (Path dir : List.of(context.homeDir(), context.dataDir(), context.confDir(), context.logDir(), context.runDir())) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Files.createDirectories(context.templateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the directories of TCK instance " + instanceId, e);
        }
        return context;
    }

    @Override
    public Path dataDir() {
        return homeDir.resolve("data");
    }

    @Override
    public Path confDir() {
        return homeDir.resolve("conf");
    }

    @Override
    public Path logDir() {
        return homeDir.resolve("log");
    }

    @Override
    public Path runDir() {
        return homeDir.resolve("run");
    }

    @Override
    public ProcessSupervisor processes() {
        return new Processes(this);
    }

    @Override
    public SecretStore secrets() {
        return new Secrets(confDir());
    }

    /**
     * Live processes whose command line mentions {@code dir}: what a destroyed instance must not
     * leave behind. Excludes this JVM.
     */
    public static List<Long> processesReferencing(Path dir) {
        String needle = dir.toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && isLive(p.pid()) && commandLine(p.pid()).contains(needle))
                .map(ProcessHandle::pid)
                .sorted()
                .toList();
    }

    /** Kills (SIGKILL) every process referencing {@code dir}; for cleaning up after a failed test. */
    public static void killProcessesReferencing(Path dir) {
        for (long pid : processesReferencing(dir)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
        }
    }

    /** Removes {@code dir} and everything below it, if present. */
    public static void deleteTree(Path dir) {
        io.reddwarf.spi.FileTrees.delete(dir);
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Alive and not a zombie waiting to be reaped. */
    static boolean isLive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), UTF_8);
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Daemons via {@code setsid} with pid files, under an unprivileged uid and gid of the instance's
     * own ({@value #UNPRIVILEGED_BASE} plus its port) when the TCK runs as root; commands with output
     * captured in temporary files.
     */
    private record Processes(TckInstanceContext context) implements ProcessSupervisor {
        static final int UNPRIVILEGED_BASE = 2_000_000;
        static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

        @Override
        public long spawn(Daemon daemon) {
            List<String> argv = new ArrayList<>();
            argv.add("setsid");
            if (RUNNING_AS_ROOT) {
                // as the control plane does: never the superuser; the instance's files become the daemon's
                handOver(daemon);
                int id = UNPRIVILEGED_BASE + context.port();
                argv.addAll(List.of("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--inh-caps=-all",
                        "--no-new-privs", "--"));
            }
            argv.addAll(daemon.argv());
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(daemon.workingDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(context.logDir().resolve(daemon.name() + ".out").toFile()));
            builder.environment().putAll(daemon.environment());
            try {
                long started = builder.start().pid();
                long pid = awaitExec(started, daemon.argv().getFirst());
                Files.writeString(pidFile(daemon.name()), Long.toString(pid), UTF_8);
                return pid;
            } catch (IOException e) {
                throw new DatastoreException("Could not start daemon '" + daemon.name() + "': " + e.getMessage(), e);
            }
        }

        /**
         * Gives the daemon's identity the data, log and run directories (recursively, without
         * following links) and read access to the files it names; the rest of the home stays root's.
         */
        private void handOver(Daemon daemon) {
            int id = UNPRIVILEGED_BASE + context.port();
            for (Path dir = context.homeDir().getParent(); dir != null; dir = dir.getParent()) {
                try {
                    if (!Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                        throw new DatastoreException("The TCK runs daemons as uid " + id + ", which cannot pass through "
                                + dir + " to the instance's home: give that directory mode o+x (e.g. 0711) or use "
                                + "another home.");
                    }
                } catch (IOException e) {
                    throw new DatastoreException("Could not read the mode of " + dir + ".", e);
                }
            }
            try {
                chown(context.homeDir(), 0, id);
                Files.setPosixFilePermissions(context.homeDir(), PosixFilePermissions.fromString("rwxr-x---"));
                for (Path dir : List.of(context.dataDir(), context.logDir(), context.runDir())) {
                    try (Stream<Path> paths = Files.walk(dir)) {
                        for (Path path : paths.toList()) {
                            chown(path, id, id);
                        }
                    }
                }
                for (Path file : daemon.reads()) {
                    Path normal = file.toAbsolutePath().normalize();
                    if (!normal.startsWith(context.homeDir()) || Files.isSymbolicLink(normal)) {
                        throw new DatastoreException("A daemon may read only files below its instance's home, not " + file + ".");
                    }
                    for (Path dir = normal.getParent(); !dir.equals(context.homeDir()); dir = dir.getParent()) {
                        chown(dir, 0, id);
                        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
                    }
                    chown(normal, 0, id);
                    Files.setPosixFilePermissions(normal, PosixFilePermissions.fromString("rw-r-----"));
                }
            } catch (IOException e) {
                throw new DatastoreException("Could not hand the files of TCK instance " + context.instanceId()
                        + " to its daemon's user: " + e.getMessage(), e);
            }
        }

        private static void chown(Path path, int uid, int gid) throws IOException {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }

        /**
         * The pid of the daemon once it runs its program: the started process itself, which setsid
         * and setpriv exec in place, or, where setsid had to fork, the process of this home that
         * runs the program. Returns the started pid if neither appears within five seconds.
         */
        private long awaitExec(long started, String program) {
            String home = context.homeDir().toString();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (commandLine(started).startsWith(program + " ")) {
                    return started;
                }
                if (!isLive(started)) {
                    OptionalLong forked = ProcessHandle.allProcesses()
                            .mapToLong(ProcessHandle::pid)
                            .filter(p -> isLive(p) && commandLine(p).startsWith(program + " ") && commandLine(p).contains(home))
                            .findFirst();
                    if (forked.isPresent()) {
                        return forked.getAsLong();
                    }
                }
                Thread.onSpinWait();
            }
            return started;
        }

        @Override
        public OptionalLong alivePid(String name) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile(name), UTF_8).strip());
                String commandLine = commandLine(pid);
                // a process shows no command line for an instant while it execs
                for (int attempt = 0; commandLine.isEmpty() && attempt < 200 && isLive(pid); attempt++) {
                    Thread.sleep(1);
                    commandLine = commandLine(pid);
                }
                boolean ours = isLive(pid) && commandLine.contains(context.homeDir().toString());
                return ours ? OptionalLong.of(pid) : OptionalLong.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            } catch (IOException | NumberFormatException e) {
                return OptionalLong.empty();
            }
        }

        @Override
        public void stop(String name, Duration grace) {
            OptionalLong pid = alivePid(name);
            if (pid.isPresent()) {
                ProcessHandle handle = ProcessHandle.of(pid.getAsLong()).orElse(null);
                if (handle != null) {
                    handle.destroy();
                    if (!awaitGone(pid.getAsLong(), grace)) {
                        handle.destroyForcibly();
                        awaitGone(pid.getAsLong(), Duration.ofSeconds(10));
                    }
                }
            }
            try {
                Files.deleteIfExists(pidFile(name));
            } catch (IOException e) {
                throw new DatastoreException("Could not remove the pid file of daemon '" + name + "'.", e);
            }
        }

        private static boolean awaitGone(long pid, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (isLive(pid)) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        @Override
        public ExecResult exec(Command command) {
            Path out = null;
            Path err = null;
            try {
                out = Files.createTempFile("reddwarf-tck-", ".out");
                err = Files.createTempFile("reddwarf-tck-", ".err");
                Process process = new ProcessBuilder(command.argv())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                try (OutputStream stdin = process.getOutputStream()) {
                    if (command.stdin().isPresent()) {
                        stdin.write(command.stdin().get().getBytes(UTF_8));
                    }
                } catch (IOException closedEarly) {
                    // The command exited without reading its input; its exit code tells what happened.
                }
                if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new DatastoreException("Command " + redact(command.argv().toString(), command.secrets())
                            + " timed out after " + command.timeout().toMillis() + " ms and was killed.");
                }
                return new ExecResult(process.exitValue(),
                        redact(Files.readString(out, UTF_8), command.secrets()),
                        redact(Files.readString(err, UTF_8), command.secrets()));
            } catch (IOException e) {
                throw new DatastoreException("Could not run " + redact(command.argv().toString(), command.secrets())
                        + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatastoreException("Interrupted while running " + command.argv().get(0) + ".", e);
            } finally {
                deleteQuietly(out);
                deleteQuietly(err);
            }
        }

        private static String redact(String text, List<Secret> secrets) {
            String result = text;
            for (Secret secret : secrets) {
                result = result.replace(secret.value(), "******");
            }
            return result;
        }

        private static void deleteQuietly(Path file) {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A temporary file of a test run.
                }
            }
        }

        private Path pidFile(String name) {
            return context.runDir().resolve(name + ".pid");
        }
    }

    /** One file {@code <key>.secret} of mode 0600 per key. Not safe for concurrent generation. */
    private record Secrets(Path dir) implements SecretStore {
        private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
        private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        private static final SecureRandom RANDOM = new SecureRandom();

        @Override
        public Optional<Secret> get(String key) {
            try {
                String value = Files.readString(file(key), UTF_8);
                return value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new DatastoreException("Could not read secret '" + key + "'.", e);
            }
        }

        @Override
        public void put(String key, Secret secret) {
            Path file = file(key);
            try {
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, secret.value(), UTF_8);
            } catch (IOException e) {
                throw new DatastoreException("Could not store secret '" + key + "'.", e);
            }
        }

        @Override
        public Secret getOrGenerate(String key) {
            return get(key).orElseGet(() -> {
                StringBuilder value = new StringBuilder();
                for (int i = 0; i < 32; i++) {
                    value.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
                }
                Secret secret = new Secret(value.toString());
                put(key, secret);
                return secret;
            });
        }

        private Path file(String key) {
            if (!KEY.matcher(requireNonNull(key, "key is null")).matches()) {
                throw new IllegalArgumentException("invalid secret key: " + key);
            }
            return dir.resolve(key + ".secret");
        }
    }
}
