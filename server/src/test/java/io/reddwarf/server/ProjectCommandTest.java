package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.server.auth.LocalProject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code reddwarf-server.jar project create NAME [--home DIR]}: in this JVM, and as concurrent processes. */
final class ProjectCommandTest {

    /** One run: exit status and what went to standard output and error. */
    record Run(int status, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ProjectCommand.run(args, env, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        return new Run(status, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    void createPrintsTheIdAloneAndWritesTheTokenOnlyToTheHomesFiles() throws IOException {
        Path home = LocalCredentialsTest.freshHome();

        Run run = run(Map.of(), "create", "team-a", "--home", home.toString());

        assertThat(run.status()).as(run.err()).isZero();
        LocalProject created = LocalCredentials.loadOrCreate(home).project("team-a").orElseThrow();
        assertThat(run.out()).isEqualTo(created.id() + "\n");
        assertThat(run.err()).doesNotContain(created.token())
                .isEqualTo("Project team-a created; its cloud is reddwarf-team-a in " + home.resolve("clouds.yaml") + "\n");
        assertThat(Files.readString(home.resolve("clouds.yaml"))).contains("  reddwarf-team-a:\n",
                "      token: '" + created.token() + "'\n");
    }

    @Test
    void theHomeComesFromTheEnvironmentUnlessGiven() throws IOException {
        Path fromEnv = LocalCredentialsTest.freshHome();
        Path given = LocalCredentialsTest.freshHome();

        assertThat(run(Map.of("REDDWARF_HOME", fromEnv.toString()), "create", "one").status()).isZero();
        assertThat(run(Map.of("REDDWARF_HOME", fromEnv.toString()), "create", "--home=" + given, "two").status())
                .isZero();

        assertThat(LocalCredentials.loadOrCreate(fromEnv).project("one")).isPresent();
        assertThat(LocalCredentials.loadOrCreate(fromEnv).project("two")).isEmpty();
        assertThat(LocalCredentials.loadOrCreate(given).project("two")).isPresent();
    }

    @Test
    void aNameThatIsInvalidOrTakenIsRefusedWithStatus1() throws IOException {
        Path home = LocalCredentialsTest.freshHome();
        String dir = home.toString();

        Run invalid = run(Map.of(), "create", "Team A", "--home", dir);
        assertThat(invalid.status()).isEqualTo(1);
        assertThat(invalid.out()).isEmpty();
        assertThat(invalid.err()).isEqualTo("reddwarf-server: A project name is 1 to 64 characters: lowercase "
                + "letters, digits, '-' and '_', starting with a letter or a digit.\n");

        assertThat(run(Map.of(), "create", "b", "--home", dir).status()).isZero();
        Run again = run(Map.of(), "create", "b", "--home", dir);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("reddwarf-server: Project 'b' already exists.\n");
        Run demo = run(Map.of(), "create", "demo", "--home", dir);
        assertThat(demo.err()).isEqualTo("reddwarf-server: Project 'demo' already exists.\n");
    }

    @Test
    void aCommandLineThatCannotBeUnderstoodIsStatus2WithTheUsage() {
        String dir = "/nonexistent/never-created";
        for (List<String> args : List.of(List.<String>of(), List.of("delete", "x"), List.of("create"),
                List.of("create", "a", "b", "--home", dir), List.of("create", "a", "--home"),
                List.of("create", "a", "--verbose", "--home", dir))) {
            Run run = run(Map.of(), args.toArray(String[]::new));
            assertThat(run.status()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).startsWith("reddwarf-server: ")
                    .endsWith(ProjectCommand.USAGE);
            assertThat(run.out()).isEmpty();
        }
        assertThat(run(Map.of(), "create").err()).startsWith("reddwarf-server: project create needs a name\n");
        assertThat(run(Map.of(), "delete", "x").err()).startsWith("reddwarf-server: unknown project command: delete\n");
        assertThat(Path.of(dir)).doesNotExist();
        Run help = run(Map.of(), "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).isEqualTo(ProjectCommand.USAGE);
    }

    /** Separate JVMs through {@link Main}, all at once on one home: the file lock keeps every project. */
    @Test
    void concurrentProcessesKeepEveryProject() throws Exception {
        Path home = LocalCredentialsTest.freshHome();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "project", "create", "proc-" + i, "--home", home.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        List<String> printed = new ArrayList<>();
        for (Process process : processes) {
            String out = new String(process.getInputStream().readAllBytes(), UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            printed.add(out.strip());
        }

        LocalCredentials credentials = LocalCredentials.loadOrCreate(home);
        assertThat(credentials.projects()).extracting(LocalProject::name)
                .containsExactly("demo", "admin", "proc-0", "proc-1", "proc-2", "proc-3", "proc-4", "proc-5");
        assertThat(credentials.projects().subList(2, 8)).extracting(LocalProject::id)
                .containsExactlyInAnyOrderElementsOf(printed);
        String yaml = Files.readString(home.resolve("clouds.yaml"));
        for (LocalProject project : credentials.projects()) {
            assertThat(yaml).contains("  " + project.cloud() + ":\n", "      token: '" + project.token() + "'\n");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("auth.properties"))))
                .isEqualTo("rw-------");
    }
}
