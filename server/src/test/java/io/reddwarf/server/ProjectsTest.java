package io.reddwarf.server;

import static io.reddwarf.server.ErrorShapesTest.assertError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.server.auth.LocalProject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Projects created with {@code project create} while a whole Reddwarf runs: their tokens work at
 * once, through the clouds.yaml the command wrote, without a restart.
 */
final class ProjectsTest {
    static final String ADMIN_ONLY = "This operation is reserved for administrators.";
    static LiveServer live;

    @BeforeAll
    static void start() {
        live = new LiveServer("proj", 36820, 36829);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    /** Runs {@code project create name --home <the live server's home>}; returns the printed id. */
    static String createProject(Path home, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ProjectCommand.run(new String[] {"create", name, "--home", home.toString()}, Map.of(),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertThat(status).as(err.toString(UTF_8)).isZero();
        return out.toString(UTF_8).strip();
    }

    /** The token of {@code cloud} in the home's clouds.yaml. */
    static String tokenOfCloud(Path home, String cloud) {
        String yaml;
        try {
            yaml = Files.readString(home.resolve("clouds.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(cloud) + ":\n    auth_type: admin_token\n    auth:\n"
                + "      token: '([0-9a-f]{64})'\n").matcher(yaml);
        assertThat(m.find()).as("cloud %s in clouds.yaml", cloud).isTrue();
        return m.group(1);
    }

    @Test
    void aProjectCreatedWhileTheServerRunsCanBeUsedAtOnce() throws IOException {
        String id = createProject(live.home, "team-b");
        String token = tokenOfCloud(live.home, "reddwarf-team-b");
        Http teamB = live.http.withToken(token);

        Http.Answer instances = teamB.get("/v1.0/" + id + "/instances");
        assertThat(instances.status()).as(instances.body()).isEqualTo(200);
        assertThat(instances.json().toString()).isEqualTo("{\"instances\":[]}");
        assertError(teamB.get(live.instances()), 403, "forbidden", AuthTest.FORBIDDEN);
        assertError(live.http.get("/v1.0/" + id + "/instances"), 403, "forbidden", AuthTest.FORBIDDEN);
        assertThat(live.server.credentials().project("team-b").map(LocalProject::id)).contains(id);
        assertThat(Files.readString(live.home.resolve("clouds.yaml")))
                .contains("      endpoint: '" + live.server.baseUri() + "v1.0/" + id + "'\n");
    }

    @Test
    void theOpenStackCliUsesTheNewCloud() {
        String id = createProject(live.home, "cli-team");
        OpenStackCli cli = new OpenStackCli(live);

        assertThat(cli.as("reddwarf-cli-team", "database", "instance", "list")).isBlank();
        assertThat(cli.as("reddwarf-cli-team", "database", "quota", "show", id)).contains("instances");
    }

    @Test
    void quotasOfAProjectThatDoesNotExistAre404() throws IOException {
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String mgmt = "/v1.0/" + live.server.credentials().adminProject() + "/mgmt/quotas/";
        String unknown = "0123456789abcdef0123456789abcdef";

        assertError(admin.get(mgmt + unknown), 404, "itemNotFound", "Project " + unknown + " cannot be found.");
        assertError(admin.method("PUT", mgmt + unknown, "{\"quotas\": {\"instances\": 5}}"), 404, "itemNotFound",
                "Project " + unknown + " cannot be found.");
        // A member asking about another project learns nothing about whether it exists.
        assertError(live.http.get("/v1.0/" + live.project + "/mgmt/quotas/" + unknown), 403, "forbidden",
                ADMIN_ONLY);

        // A project created a moment ago, whose token has never been used, exists for the administrator.
        String fresh = createProject(live.home, "fresh");
        Http.Answer set = admin.method("PUT", mgmt + fresh, "{\"quotas\": {\"instances\": 3}}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("quotas").get("instances").asInt()).isEqualTo(3);
        Http.Answer shown = admin.get(mgmt + fresh);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().get("quotas").get(0).get("limit").asInt()).isEqualTo(3);
        Http.Answer own = live.http.withToken(tokenOfCloud(live.home, "reddwarf-fresh"))
                .get("/v1.0/" + fresh + "/mgmt/quotas/" + fresh);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(LocalCredentials.loadOrCreate(live.home).project("fresh").map(LocalProject::id)).contains(fresh);
    }

    @Test
    void backupStrategiesOfAProjectThatDoesNotExistAre404() throws IOException {
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String strategies = "/v1.0/" + live.server.credentials().adminProject() + "/backup_strategies";
        String unknown = "fedcba9876543210fedcba9876543210";
        String notFound = "Project " + unknown + " cannot be found.";

        assertError(admin.post(strategies, "{\"backup_strategy\": {\"project_id\": \"" + unknown
                + "\", \"swift_container\": \"nowhere\"}}"), 404, "itemNotFound", notFound);
        assertError(admin.get(strategies + "?project_id=" + unknown), 404, "itemNotFound", notFound);
        assertError(admin.delete(strategies + "?project_id=" + unknown), 404, "itemNotFound", notFound);
        assertError(live.http.get("/v1.0/" + live.project + "/backup_strategies?project_id=" + unknown), 403,
                "forbidden", ADMIN_ONLY);

        String fresh = createProject(live.home, "with-box");
        Http.Answer set = admin.post(strategies, "{\"backup_strategy\": {\"project_id\": \"" + fresh
                + "\", \"swift_container\": \"box\"}}");
        assertThat(set.status()).as(set.body()).isEqualTo(202);
        assertThat(admin.get(strategies + "?project_id=" + fresh).json().get("backup_strategies")
                .findValuesAsText("swift_container")).containsExactly("box");
        assertThat(admin.delete(strategies + "?project_id=" + fresh).status()).isEqualTo(202);
    }
}
