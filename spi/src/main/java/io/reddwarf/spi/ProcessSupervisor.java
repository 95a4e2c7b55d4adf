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
 * so they keep running when the control plane stops; their pid is recorded in a pid file under the
 * instance's run directory, which is how a restarted control plane finds them again.
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

    /** A daemon to spawn. {@code name} identifies it within the instance (e.g. {@code "mariadbd"}). */
    record Daemon(String name, List<String> argv, Map<String, String> environment, Path workingDir) {
        public Daemon {
            requireNonNull(name, "name is null");
            argv = List.copyOf(requireNonNull(argv, "argv is null"));
            environment = Map.copyOf(requireNonNull(environment, "environment is null"));
            requireNonNull(workingDir, "workingDir is null");
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("invalid daemon name: " + name);
            }
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv is empty");
            }
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
