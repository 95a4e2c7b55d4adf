package io.reddwarf.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.ProcessSupervisor.Command;
import io.reddwarf.spi.ProcessSupervisor.Daemon;
import io.reddwarf.spi.ProcessSupervisor.ExecResult;
import io.reddwarf.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LocalProcessSupervisorTest {
    @TempDir
    Path home;

    private LocalProcessSupervisor supervisor;
    private Path sleep;
    private Path shell;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(home.resolve("run"));
        Files.createDirectories(home.resolve("log"));
        Files.createDirectories(home.resolve("bin"));
        // Links inside the home make the daemons' command lines mention it, as a real engine's would.
        sleep = Files.createSymbolicLink(home.resolve("bin/sleep"), Path.of("/bin/sleep"));
        shell = Files.createSymbolicLink(home.resolve("bin/sh"), Path.of("/bin/sh"));
        supervisor = new LocalProcessSupervisor(home.resolve("run"), home.resolve("log"), home);
    }

    @AfterEach
    void killLeftovers() {
        for (long pid : LocalProcessSupervisor.findProcessesReferencing(home)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void spawnedDaemonRunsInItsOwnSessionWithItsPidRecorded() throws IOException {
        long pid = supervisor.spawn(sleeper());

        assertThat(Files.readString(home.resolve("run/sleeper.pid"), UTF_8)).isEqualTo(Long.toString(pid));
        assertThat(supervisor.alivePid("sleeper")).hasValue(pid);
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), UTF_8);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(fields[3]).as("session id").isEqualTo(Long.toString(pid));
        assertThat(LocalProcessSupervisor.findProcessesReferencing(home)).containsExactly(pid);
    }

    @Test
    void aDaemonIsNoChildOfTheJvmAndKeepsTheDefaultSignals() throws IOException {
        long pid = supervisor.spawn(sleeper());

        long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        assertThat(parent).as("parent of the daemon").isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ProcessHandle.current().children().mapToLong(ProcessHandle::pid)).doesNotContain(pid);
        String ignored = Files.readAllLines(Path.of("/proc/" + pid + "/status"), UTF_8).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow();
        long mask = Long.parseLong(ignored.substring("SigIgn:".length()).strip(), 16);
        assertThat(mask & 0b110).as("SIGINT and SIGQUIT ignored (mask %s)", Long.toHexString(mask)).isZero();
    }

    @Test
    void stopTerminatesTheDaemonAndRemovesItsPidFile() {
        long pid = supervisor.spawn(sleeper());
        awaitAlive("sleeper");

        supervisor.stop("sleeper", Duration.ofSeconds(5));

        // a stopped child may stay a zombie for an instant until the JVM reaps it: that counts as gone
        assertThat(LocalProcessSupervisor.isRunning(pid)).isFalse();
        assertThat(home.resolve("run/sleeper.pid")).doesNotExist();
        assertThat(supervisor.alivePid("sleeper")).isEmpty();
    }

    @Test
    void stopKillsADaemonThatIgnoresSigterm() {
        Path trapped = home.resolve("trapped");
        long pid = supervisor.spawn(new Daemon("stubborn", List.of(shell.toString(), "-c",
                "trap '' TERM; touch " + trapped + "; while :; do sleep 0.05; done"), Map.of(), home));
        awaitAlive("stubborn");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(trapped) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        long started = System.nanoTime();
        supervisor.stop("stubborn", Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(LocalProcessSupervisor.isRunning(pid)).isFalse();
    }

    @Test
    void stopOfAnUnknownDaemonDoesNothing() {
        supervisor.stop("nothing", Duration.ofSeconds(1));

        assertThat(supervisor.alivePid("nothing")).isEmpty();
    }

    @Test
    void aReusedPidIsNotTheDaemonAndIsNeverSignalled() throws IOException {
        long self = ProcessHandle.current().pid();
        Files.writeString(home.resolve("run/impostor.pid"), Long.toString(self));

        assertThat(supervisor.alivePid("impostor")).isEmpty();
        supervisor.stop("impostor", Duration.ofMillis(100));
        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(home.resolve("run/impostor.pid")).doesNotExist();
    }

    @Test
    void aDeadDaemonIsNotAlive() {
        long pid = supervisor.spawn(new Daemon("brief", List.of(shell.toString(), "-c", "exit 0"), Map.of(), home));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (LocalProcessSupervisor.isRunning(pid) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(supervisor.alivePid("brief")).isEmpty();
    }

    @Test
    void daemonOutputIsAppendedToItsLogFile() throws IOException {
        supervisor.spawn(new Daemon("talker", List.of(shell.toString(), "-c", "echo hello; echo oops >&2"), Map.of(), home));
        Path log = home.resolve("log/talker.out");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((!Files.exists(log) || !Files.readString(log).contains("oops")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(Files.readString(log, UTF_8)).contains("hello").contains("oops");
    }

    @Test
    void execCapturesOutputAndExitCodeAndFeedsStdin() {
        ExecResult result = supervisor.exec(new Command(List.of("sh", "-c", "cat; echo done >&2; exit 3"),
                Optional.of("from stdin"), Duration.ofSeconds(10), List.of()));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.ok()).isFalse();
        assertThat(result.stdout()).isEqualTo("from stdin");
        assertThat(result.stderr()).isEqualTo("done\n");
    }

    @Test
    void execRedactsSecretsInOutput() {
        ExecResult result = supervisor.exec(new Command(List.of("sh", "-c", "echo pw=$0; echo $0 >&2", "hunter22"),
                Optional.empty(), Duration.ofSeconds(10), List.of(new Secret("hunter22"))));

        assertThat(result.ok()).isTrue();
        assertThat(result.stdout()).isEqualTo("pw=******\n");
        assertThat(result.stderr()).isEqualTo("******\n");
    }

    @Test
    void execKillsACommandThatExceedsItsTimeoutAndHidesSecretsInTheError() {
        Command command = new Command(List.of("sh", "-c", "sleep 5", "hunter22"), Optional.empty(),
                Duration.ofMillis(200), List.of(new Secret("hunter22")));

        long started = System.nanoTime();
        assertThatThrownBy(() -> supervisor.exec(command))
                .isInstanceOf(DatastoreException.class)
                .hasMessageContaining("timed out")
                .hasMessageContaining("******")
                .hasMessageNotContaining("hunter22");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void execOfAMissingProgramFails() {
        assertThatThrownBy(() -> supervisor.exec(Command.of(Duration.ofSeconds(5), "/nonexistent/program")))
                .isInstanceOf(DatastoreException.class)
                .hasMessageStartingWith("Could not run [/nonexistent/program]");
    }

    private Daemon sleeper() {
        return new Daemon("sleeper", List.of(sleep.toString(), "300"), Map.of(), home);
    }

    private void awaitAlive(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        OptionalLong pid = supervisor.alivePid(name);
        while (pid.isEmpty() && System.nanoTime() < deadline) {
            pid = supervisor.alivePid(name);
        }
        assertThat(pid).isPresent();
    }
}
