package io.reddwarf.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.ProcessSupervisor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.Watchdog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider's {@link ProcessSupervisor}: daemons run in their own session (via
 * {@code setsid}), detached from the JVM that starts them, with output appended to
 * {@code <logDir>/<name>.out} and their pid in {@code <runDir>/<name>.pid}; they survive the
 * control plane, even a {@code kill -9} of it.
 *
 * <p>A recorded pid counts as the daemon only while the process's command line contains the
 * owner directory (the instance's home), so a pid reused by an unrelated process is never
 * mistaken for the daemon, nor signalled. Thread-safe; one instance per instance home.
 */
public final class LocalProcessSupervisor implements ProcessSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessSupervisor.class);
    private static final Path PROC = Path.of("/proc");
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Duration PUMP_STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final String BASH = "/bin/bash";

    private final Path runDir;
    private final Path logDir;
    private final Path ownerDir;
    private final Optional<Confinement> confinement;

    /**
     * How an instance's daemons are confined: the sandbox, the instance's identity, and the
     * directories handed to that identity before every start.
     */
    public record Confinement(EngineSandbox sandbox, EngineSandbox.Identity identity, List<Path> ownedDirs) {
        public Confinement {
            requireNonNull(sandbox, "sandbox is null");
            requireNonNull(identity, "identity is null");
            ownedDirs = List.copyOf(requireNonNull(ownedDirs, "ownedDirs is null"));
        }
    }

    /**
     * A supervisor whose daemons run as the control plane's own user.
     *
     * @param runDir   where pid files are written
     * @param logDir   where daemon output is appended
     * @param ownerDir the directory every daemon's command line must mention (the instance home)
     */
    public LocalProcessSupervisor(Path runDir, Path logDir, Path ownerDir) {
        this(runDir, logDir, ownerDir, Optional.empty());
    }

    /**
     * @param runDir      where pid files are written (a directory the daemons cannot write)
     * @param logDir      where daemon output is appended
     * @param ownerDir    the directory every daemon's command line must mention (the instance home)
     * @param confinement how daemons are confined; empty: they run as the control plane's user
     */
    public LocalProcessSupervisor(Path runDir, Path logDir, Path ownerDir, Optional<Confinement> confinement) {
        this.runDir = requireNonNull(runDir, "runDir is null").toAbsolutePath();
        this.logDir = requireNonNull(logDir, "logDir is null").toAbsolutePath();
        this.ownerDir = requireNonNull(ownerDir, "ownerDir is null").toAbsolutePath();
        this.confinement = requireNonNull(confinement, "confinement is null");
    }

    /**
     * Starts the daemon in a session of its own through a shell that exits as soon as it has
     * started it: the daemon is never a child of this JVM, which would otherwise hold a thread
     * waiting for it for as long as it runs (the JDK's process reaper), one per instance. The
     * daemon's parent becomes the host's reaper (the nearest subreaper above this JVM, such as the
     * {@code tini} that {@code scripts/start} runs the server under, or init); it is watched by
     * pid, see {@link #alivePid}.
     */
    @Override
    public long spawn(Daemon daemon) {
        requireNonNull(daemon, "daemon is null");
        List<String> argv = new ArrayList<>(daemon.argv().size() + 8);
        // The shell is not a process group leader, so setsid starts a new session in place and $!
        // is the daemon's pid (or the sandbox's, whose descendant the daemon becomes). The daemon's
        // output goes where the shell's errors go: the log. The shell would have the daemon ignore
        // SIGINT and SIGQUIT, as it does for every command it runs in the background; the trap
        // undoes that.
        argv.addAll(List.of(BASH, "-c", "( trap - INT QUIT; exec setsid \"$@\" ) </dev/null >&2 & echo $!", "reddwarf-spawn"));
        confinement.ifPresentOrElse(c -> {
            c.sandbox().checkInstalled();
            c.sandbox().prepare(ownerDir, c.ownedDirs(), daemon.reads(), c.identity());
            argv.addAll(c.sandbox().wrap(daemon.argv(), daemon.environment(), daemon.workingDir(), ownerDir, c.identity()));
        }, () -> argv.addAll(daemon.argv()));
        Path output = logDir.resolve(daemon.name() + ".out");
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(daemon.workingDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
        if (confinement.isEmpty()) {
            builder.environment().putAll(daemon.environment());
        }
        LOG.debug("Spawning daemon {}: {}", daemon.name(), daemon.argv());
        long pid;
        try {
            // inside an existing home only: an instance whose files vanished is not recreated
            if (!Files.isDirectory(runDir)) {
                Files.createDirectory(runDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Process shell = builder.start();
            String started;
            try (InputStream stdout = shell.getInputStream()) {
                started = new String(stdout.readNBytes(32), UTF_8).strip();
            }
            int exit = shell.waitFor();
            if (exit != 0 || !isNumeric(started)) {
                throw new DatastoreException("Could not start daemon '" + daemon.name() + "': the shell that starts it exited with "
                        + exit + ": " + lastLine(output));
            }
            pid = Long.parseLong(started);
        } catch (IOException e) {
            throw new DatastoreException("Could not start daemon '" + daemon.name() + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("Interrupted while starting daemon '" + daemon.name() + "'.", e);
        }
        try {
            writeAtomically(pidFile(daemon.name()), Long.toString(pid));
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            throw new DatastoreException("Could not write the pid file of daemon '" + daemon.name() + "'.", e);
        }
        String program = daemon.argv().get(0);
        if (confinement.isPresent()) {
            long sandbox = pid;
            pid = awaitSandboxedDaemon(sandbox, program).orElseThrow(() -> new DatastoreException("The sandbox of daemon '"
                    + daemon.name() + "' exited before starting it: " + lastLine(output)));
            try {
                writeAtomically(pidFile(daemon.name()), Long.toString(pid));
            } catch (IOException e) {
                throw new DatastoreException("Could not write the pid file of daemon '" + daemon.name() + "'.", e);
            }
        } else {
            awaitDaemonExec(pid, program);
        }
        LOG.debug("Daemon {} runs as pid {}", daemon.name(), pid);
        return pid;
    }

    /**
     * The pid of the process that runs {@code program} below the sandbox {@code sandboxPid}, once
     * it has executed; empty if the sandbox exits first.
     */
    private static OptionalLong awaitSandboxedDaemon(long sandboxPid, String program) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (isRunning(sandboxPid) && System.nanoTime() - deadline < 0) {
            OptionalLong daemon = daemonBelow(sandboxPid, program);
            if (daemon.isPresent()) {
                return daemon;
            }
            sleep(Duration.ofMillis(1));
        }
        return daemonBelow(sandboxPid, program);
    }

    private static OptionalLong daemonBelow(long sandboxPid, String program) {
        return descendants(sandboxPid)
                .filter(p -> isRunning(p) && commandLine(p).startsWith(program + " "))
                .findFirst();
    }

    /**
     * The descendants of {@code pid}, read from each process's {@code children} file in /proc: a
     * sandbox has two or three processes, and this reads only theirs, where
     * {@link ProcessHandle#descendants()} reads every process of the host on each call (which,
     * polled while an engine starts, takes CPU from the engine). Falls back to the latter on a
     * kernel without those files.
     */
    static LongStream descendants(long pid) {
        List<Long> found = new ArrayList<>();
        List<Long> parents = new ArrayList<>(List.of(pid));
        while (!parents.isEmpty() && found.size() < 64) {
            long parent = parents.removeFirst();
            Path children = PROC.resolve(Long.toString(parent)).resolve("task").resolve(Long.toString(parent)).resolve("children");
            String list;
            try {
                list = Files.readString(children, UTF_8).strip();
            } catch (NoSuchFileException e) {
                if (parent == pid && Files.isDirectory(PROC.resolve(Long.toString(pid)))) {
                    return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants).mapToLong(ProcessHandle::pid);
                }
                continue;
            } catch (IOException e) {
                continue;
            }
            if (list.isEmpty()) {
                continue;
            }
            for (String child : list.split(" +")) {
                found.add(Long.parseLong(child));
                parents.add(Long.parseLong(child));
            }
        }
        return found.stream().mapToLong(Long::longValue);
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, UTF_8);
            return lines.isEmpty() ? "(no output)" : lines.getLast();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /**
     * Returns once setsid has detached the child and executed the daemon, so that a JVM killed
     * right after spawn cannot take the daemon along, and {@link #alivePid} sees the daemon's own
     * command line rather than setsid's or, for an instant during exec, none.
     */
    private static void awaitDaemonExec(long pid, String program) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (isRunning(pid) && System.nanoTime() - deadline < 0) {
            if (sessionId(pid) == pid && commandLine(pid).startsWith(program + " ")) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    private static long sessionId(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public OptionalLong alivePid(String name) {
        OptionalLong pid = recordedPid(name);
        if (pid.isPresent() && isOwnedAndAlive(pid.getAsLong())) {
            // a control plane stopped between starting a sandbox and recording its daemon left the sandbox's pid
            if (commandLine(pid.getAsLong()).startsWith(EngineSandbox.BWRAP + " ")) {
                return descendants(pid.getAsLong())
                        .filter(p -> isRunning(p) && !commandLine(p).startsWith(EngineSandbox.BWRAP + " ")
                                && !commandLine(p).startsWith(EngineSandbox.SETPRIV + " "))
                        .findFirst();
            }
            return pid;
        }
        return OptionalLong.empty();
    }

    @Override
    public void stop(String name, Duration grace) {
        requireNonNull(grace, "grace is null");
        OptionalLong pid = alivePid(name);
        if (pid.isPresent()) {
            terminate(pid.getAsLong(), grace, name);
        }
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            throw new DatastoreException("Could not remove the pid file of daemon '" + name + "'.", e);
        }
    }

    private void terminate(long pid, Duration grace, String name) {
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return;
        }
        LOG.debug("Stopping daemon {} (pid {})", name, pid);
        // the sandbox's own processes (bubblewrap) wrap the daemon and end right after it: a stopped
        // daemon leaves nothing running that names the instance
        List<ProcessHandle> wrappers = new ArrayList<>();
        for (Optional<ProcessHandle> up = handle.parent(); up.isPresent() && isSandbox(up.get()); up = up.get().parent()) {
            wrappers.add(up.get());
        }
        handle.destroy();
        if (awaitGone(pid, grace)) {
            wrappers.forEach(w -> awaitGone(w.pid(), Duration.ofSeconds(5)));
            return;
        }
        LOG.warn("Daemon {} (pid {}) did not stop within {}; killing it", name, pid, grace);
        handle.destroyForcibly();
        if (!awaitGone(pid, Duration.ofSeconds(30))) {
            throw new DatastoreException("Daemon '" + name + "' did not exit after SIGKILL.");
        }
        wrappers.forEach(w -> awaitGone(w.pid(), Duration.ofSeconds(5)));
    }

    private static boolean isSandbox(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("/bwrap")).orElse(false);
    }

    private boolean awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            sleep(POLL);
        }
        return true;
    }

    @Override
    public ExecResult exec(Command command) {
        requireNonNull(command, "command is null");
        Redactor redactor = new Redactor(command.secrets());
        List<String> shownArgv = redactor.redact(command.argv());
        LOG.debug("Running {}", shownArgv);
        CommandLine line = new CommandLine(command.argv().get(0));
        for (String arg : command.argv().subList(1, command.argv().size())) {
            line.addArgument(arg, false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = command.stdin().map(s -> (InputStream) new ByteArrayInputStream(s.getBytes(UTF_8))).orElse(null);
        TreeKillingWatchdog watchdog = new TreeKillingWatchdog(command.timeout());
        PumpStreamHandler streams = new PumpStreamHandler(out, err, in);
        // A killed command's children may keep its output open; do not wait for them for long.
        streams.setStopTimeout(PUMP_STOP_TIMEOUT);
        DefaultExecutor executor = DefaultExecutor.builder().setExecuteStreamHandler(streams).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null);
        int exitCode;
        try {
            exitCode = executor.execute(line);
        } catch (IOException e) {
            if (watchdog.killedProcess()) {
                throw timedOut(shownArgv, command.timeout());
            }
            throw new DatastoreException("Could not run " + shownArgv + ": " + redactor.redact(String.valueOf(e.getMessage())));
        }
        if (watchdog.killedProcess()) {
            throw timedOut(shownArgv, command.timeout());
        }
        String stdout = redactor.redact(out.toString(UTF_8));
        String stderr = redactor.redact(err.toString(UTF_8));
        if (exitCode != 0) {
            LOG.debug("{} exited with {}: {}", shownArgv, exitCode, stderr.strip());
        }
        return new ExecResult(exitCode, stdout, stderr);
    }

    /** Kills the command's descendants too, which would otherwise keep its output pipes open. */
    private static final class TreeKillingWatchdog extends ExecuteWatchdog {
        private volatile Process process;

        // The builder's watchdog offers no hook to reach the process before it is killed.
        @SuppressWarnings("deprecation")
        TreeKillingWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process started) {
            this.process = started;
            super.start(started);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog watchdog) {
            Process started = process;
            List<ProcessHandle> descendants = started == null ? List.of() : started.descendants().toList();
            // The command first, so that the watchdog still sees it running and records the kill.
            super.timeoutOccured(watchdog);
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static DatastoreException timedOut(List<String> shownArgv, Duration timeout) {
        return new DatastoreException("Command " + shownArgv + " timed out after " + timeout.toMillis() + " ms and was killed.");
    }

    /**
     * The pids of live processes whose command line mentions {@code dir}'s absolute path, for
     * example daemons of an instance the control plane no longer knows about. Never includes the
     * calling JVM.
     */
    public static List<Long> findProcessesReferencing(Path dir) {
        String needle = dir.toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != self && isRunning(pid) && commandLine(pid).contains(needle)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pids.sort(null);
        return pids;
    }

    /**
     * Kills every live process whose command line mentions {@code path} (see
     * {@link #findProcessesReferencing}) and waits for each to end; {@code before} hears of each
     * one first, to say why it is killed.
     */
    public static void killProcessesReferencing(Path path, java.util.function.Consumer<ProcessHandle> before) {
        for (long pid : findProcessesReferencing(path)) {
            ProcessHandle.of(pid).ifPresent(process -> {
                before.accept(process);
                process.destroyForcibly();
                process.onExit().join();
            });
        }
    }

    /**
     * The option file through which an instance's tools (dump, backup and restore programs, never
     * the engine) log in, below the instance's home: a process that mentions it is a tool.
     */
    public static Path toolsOptionFile(Path instanceHome) {
        return instanceHome.resolve("conf").resolve("client.cnf");
    }

    Path pidFile(String name) {
        return runDir.resolve(name + ".pid");
    }

    private OptionalLong recordedPid(String name) {
        try {
            String text = Files.readString(pidFile(name), UTF_8).strip();
            return text.isEmpty() || !isNumeric(text) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            LOG.warn("Could not read pid file {}: {}", pidFile(name), e.toString());
            return OptionalLong.empty();
        }
    }

    private boolean isOwnedAndAlive(long pid) {
        for (int attempt = 0; attempt < 200 && isRunning(pid); attempt++) {
            String commandLine = commandLine(pid);
            if (!commandLine.isEmpty()) {
                return commandLine.contains(ownerDir.toString());
            }
            // A process reads as having no command line for an instant while it execs.
            sleep(Duration.ofMillis(1));
        }
        return false;
    }

    /** Alive and not a zombie. */
    static boolean isRunning(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            char state = processState(pid);
            return state != 'Z' && state != 'X' && state != 0;
        }
        return false;
    }

    private static char processState(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), UTF_8);
            // The command name in parentheses may itself contain ") ", so look after the last one.
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(raw, UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isNumeric(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, content, UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("Interrupted while waiting for a process.", e);
        }
    }
}
