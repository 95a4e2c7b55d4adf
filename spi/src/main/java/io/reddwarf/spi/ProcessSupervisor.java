package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runs an instance's processes. Daemons are started detached (their own session, output to files),
 * so they keep running when the control plane stops; the supervisor records their pid, which is how
 * a restarted control plane finds them again.
 *
 * <p><b>Identity.</b> A daemon never runs as the operating system's superuser. When the control
 * plane runs as root, each instance's daemons run under an unprivileged identity of the instance's
 * own, confined to the instance's home: before every {@link #spawn} the supervisor gives that
 * identity {@link InstanceContext#dataDir()}, {@link InstanceContext#logDir()} and
 * {@link InstanceContext#runDir()} (whatever the driver wrote there, e.g. a copied data directory,
 * becomes the daemon's), lets it read the files named in {@link Daemon#reads()}, and nothing else
 * the control plane keeps: {@link InstanceContext#confDir()} and the secrets stay unreadable to it.
 * Drivers therefore never pass options that switch users (such as {@code --user=root}) to a daemon.
 * {@link #exec} runs short commands (initialisation, clients, backup tools) as the control plane.
 */
public interface ProcessSupervisor {

    /**
     * Starts a long-running daemon detached from the control plane and records its pid.
     *
     * @throws DatastoreException if the process cannot be started
     */
    long spawn(Daemon daemon);

    /** The pid recorded for the named daemon if that process is alive. */
    OptionalLong alivePid(String name);

    /**
     * Stops the named daemon: SIGTERM, then SIGKILL after {@code grace}. Returns once the process is
     * gone. Does nothing if it is not running.
     */
    void stop(String name, Duration grace);

    /**
     * Runs a short command to completion.
     *
     * @throws DatastoreException if it cannot be started or exceeds its timeout (it is then killed)
     */
    ExecResult exec(Command command);

    /**
     * A daemon to spawn. {@code name} identifies it within the instance (e.g. {@code "mariadbd"}).
     * {@code reads} are files below {@link InstanceContext#confDir()} that the control plane wrote and
     * the daemon must read (its configuration file); they must hold no secret the daemon does not
     * need. The command line must mention the instance's home: that is how the supervisor recognises
     * the daemon's process.
     */
    record Daemon(String name, List<String> argv, Map<String, String> environment, Path workingDir, List<Path> reads) {
        public Daemon {
            requireNonNull(name, "name is null");
            argv = List.copyOf(requireNonNull(argv, "argv is null"));
            environment = Map.copyOf(requireNonNull(environment, "environment is null"));
            requireNonNull(workingDir, "workingDir is null");
            reads = List.copyOf(requireNonNull(reads, "reads is null"));
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("invalid daemon name: " + name);
            }
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv is empty");
            }
        }

        /** A daemon that reads no file of the control plane's. */
        public Daemon(String name, List<String> argv, Map<String, String> environment, Path workingDir) {
            this(name, argv, environment, workingDir, List.of());
        }
    }

    /**
     * A command to run. {@code stdin} is written to the process and then closed. The values of
     * {@code secrets} are replaced by {@code ******} wherever the command, its output or an error
     * message is logged.
     */
    record Command(List<String> argv, Optional<String> stdin, Duration timeout, List<Secret> secrets) {
        public Command {
            argv = List.copyOf(requireNonNull(argv, "argv is null"));
            requireNonNull(stdin, "stdin is null");
            requireNonNull(timeout, "timeout is null");
            secrets = List.copyOf(requireNonNull(secrets, "secrets is null"));
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv is empty");
            }
        }

        public static Command of(Duration timeout, String... argv) {
            return new Command(List.of(argv), Optional.empty(), timeout, List.of());
        }
    }

    /** The outcome of {@link #exec(Command)}; output is already redacted. */
    record ExecResult(int exitCode, String stdout, String stderr) {
        public ExecResult {
            requireNonNull(stdout, "stdout is null");
            requireNonNull(stderr, "stderr is null");
        }

        public boolean ok() {
            return exitCode == 0;
        }
    }
}
