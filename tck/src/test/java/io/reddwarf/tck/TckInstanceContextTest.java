package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.ProcessSupervisor.Command;
import io.reddwarf.spi.ProcessSupervisor.Daemon;
import io.reddwarf.spi.ProcessSupervisor.ExecResult;
import io.reddwarf.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TckInstanceContextTest {
    @TempDir
    Path scratch;

    private TckInstanceContext context;

    @AfterEach
    void killLeftovers() {
        if (context != null) {
            TckInstanceContext.killProcessesReferencing(context.homeDir());
        }
    }

    @Test
    void createsPrivateDirectories() throws IOException {
        context = newContext();

        for (Path dir : List.of(context.homeDir(), context.dataDir(), context.confDir(), context.logDir(), context.runDir())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(dir.toString()).isEqualTo("rwx------");
        }
        assertThat(context.templateDir()).isDirectory();
    }

    @Test
    void secretsAreOwnerOnlyFilesAndGeneratedOnce() throws IOException {
        context = newContext();

        Secret generated = context.secrets().getOrGenerate("admin-password");
        context.secrets().put("root-password", new Secret("r00t"));

        assertThat(generated.value()).matches("[A-Za-z0-9]{32}");
        assertThat(context.secrets().getOrGenerate("admin-password")).isEqualTo(generated);
        assertThat(context.secrets().get("root-password")).contains(new Secret("r00t"));
        assertThat(context.secrets().get("missing")).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(context.confDir().resolve("root-password.secret"))))
                .isEqualTo("rw-------");
    }

    @Test
    void daemonsRunInTheirOwnSessionUntilStopped() throws IOException {
        // run as root, the daemon's unprivileged user must pass through the directories above its home
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx--x--x"));
        context = newContext();
        Daemon daemon = new Daemon("looper", List.of("sh", "-c", "while true; do sleep 1; done", context.homeDir().toString()),
                Map.of(), context.homeDir());

        long pid = context.processes().spawn(daemon);

        if ("root".equals(System.getProperty("user.name"))) {
            // setpriv drops to the instance's user before it executes the daemon in place
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).startsWith("sh")
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid")).isEqualTo(2_000_000 + context.port());
            assertThat(Files.getAttribute(context.dataDir(), "unix:uid")).isEqualTo(2_000_000 + context.port());
        }

        assertThat(context.processes().alivePid("looper")).hasValue(pid);
        assertThat(TckInstanceContext.processesReferencing(context.homeDir())).contains(pid);
        context.processes().stop("looper", Duration.ofSeconds(5));
        assertThat(context.processes().alivePid("looper")).isEmpty();
        assertThat(TckInstanceContext.processesReferencing(context.homeDir())).isEmpty();
    }

    @Test
    void commandsGetTheirInputAndHaveSecretsRedacted() {
        context = newContext();

        ExecResult result = context.processes().exec(new Command(List.of("cat"), Optional.of("the s3cret is here"),
                Duration.ofSeconds(10), List.of(new Secret("s3cret"))));

        assertThat(result).isEqualTo(new ExecResult(0, "the ****** is here", ""));
    }

    private TckInstanceContext newContext() {
        return TckInstanceContext.create("tck-test", new DatastoreVersion("1.0", "1.0.0"), new Flavor("1", "tiny", 512, 1, 1),
                scratch.resolve("home"), scratch.resolve("templates"), "127.0.0.1", 36000);
    }
}
