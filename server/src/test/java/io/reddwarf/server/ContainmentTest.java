package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.host.EngineSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A hostile tenant: with {@code root enable} on instance A, and then with every privilege it can
 * give itself by editing the grant tables, it tries to reach files, processes and secrets outside
 * A. Every attempt must fail or stay inside A's own directory. The control plane runs as root here,
 * as in production; docs/security.md says what holds when it does not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class ContainmentTest {
    static LiveServer live;
    static String a;
    static String b;
    static int portA;
    static int portB;
    static String rootPassword;
    static final String MARK = "rdwpwn" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("ContainmentTest checks the engines' sandbox, which exists only when the control plane runs as root: "
                    + "run the suite as root (CI does).");
        }
        live = new LiveServer("con", 36470, 36479);
        a = create("hostile");
        b = create("victim");
        portA = live.awaitStatus(a, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        portB = live.awaitStatus(b, "ACTIVE", Duration.ofSeconds(120)).get("port").asInt();
        Http.Answer enabled = live.http.post(live.instances() + "/" + a + "/root", "");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        rootPassword = enabled.json().get("user").get("password").asText();
        LiveServer.Result setUp = LiveServer.mariadb("127.0.0.1", portA, "root", rootPassword, "mysql",
                "CREATE DATABASE pwn; CREATE TABLE pwn.t (l TEXT)");
        assertThat(setUp.exitCode()).as(setUp.output()).isZero();
    }

    private static String create(String name) {
        Http.Answer created = live.http.post(live.instances(), """
                {"instance": {"name": "%s", "flavorRef": "1", "volume": {"size": 1}}}""".formatted(name));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("instance").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static LiveServer.Result sql(String statements) {
        return LiveServer.mariadb("127.0.0.1", portA, "root", rootPassword, "pwn", statements);
    }

    static Path homeOf(String instance) {
        return live.home.resolve("instances").resolve(instance);
    }

    /** Files outside A that must stay unreadable: the control plane's secrets and B's. */
    static List<Path> secrets() {
        List<Path> secrets = new ArrayList<>(List.of(live.home.resolve("auth.properties"),
                homeOf(b).resolve("conf").resolve("client.cnf"), homeOf(a).resolve("conf").resolve("client.cnf"),
                Path.of("/etc/shadow"), Path.of("/etc/passwd"), Path.of("/proc/1/environ"), Path.of("/proc/self/environ")));
        try (var state = Files.list(live.home.resolve("state"))) {
            secrets.addAll(state.toList());
        } catch (IOException e) {
            fail("cannot list the state directory", e);
        }
        for (Path secret : secrets.subList(0, 3)) {
            assertThat(secret).as("the test's target must exist").exists();
        }
        return secrets;
    }

    /** Places outside A where a write must not land. */
    static List<Path> writeTargets(String name) {
        return List.of(Path.of("/tmp").resolve(MARK + name), live.home.resolve(MARK + name),
                homeOf(b).resolve("data").resolve(MARK + name), homeOf(a).resolve("conf").resolve(MARK + name),
                Path.of("/root").resolve(MARK + name));
    }

    @Test
    @Order(1)
    void theEnginesRunAsUnprivilegedIdentitiesOfTheirOwn() throws IOException {
        long engineA = enginePid(a);
        long engineB = enginePid(b);
        int uidA = uidOf(engineA);
        int uidB = uidOf(engineB);
        assertThat(uidA).isEqualTo(EngineSandbox.ID_BASE + portA);
        assertThat(uidB).isEqualTo(EngineSandbox.ID_BASE + portB).isNotEqualTo(uidA);
        LiveServer.Result ps = LiveServer.run(List.of("ps", "-o", "user=,args=", "-C", "mariadbd"), null, Duration.ofSeconds(10));
        assertThat(ps.output().lines().filter(l -> l.contains(live.home.toString())))
                .hasSize(2)
                .noneMatch(l -> l.startsWith("root "));
        assertThat(Files.getAttribute(homeOf(a).resolve("data"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(uidA);
        assertThat(Files.getAttribute(homeOf(a).resolve("conf").resolve("client.cnf"), "unix:uid")).isEqualTo(0);
        // the engine sees no other instance, no control-plane file and a /tmp of its own
        String mounts = Files.readString(Path.of("/proc", Long.toString(engineA), "mountinfo"));
        assertThat(mounts).contains(homeOf(a).toString()).doesNotContain(homeOf(b).toString());
    }

    @Test
    @Order(2)
    void aTenantsRootCannotReadOrWriteOutsideItsInstance() {
        attack("root");
    }

    @Test
    @Order(3)
    void noPrivilegeTheTenantGivesItselfReachesOutside() {
        // root may edit the grant tables: give itself every privilege, including FILE and SUPER
        LiveServer.Result escalated = sql("UPDATE mysql.global_priv g JOIN mysql.global_priv r"
                + " ON r.User = 'reddwarf_admin' AND r.Host = 'localhost'"
                + " SET g.Priv = JSON_SET(g.Priv, '$.access', CAST(JSON_VALUE(r.Priv, '$.access') AS UNSIGNED))"
                + " WHERE g.User = 'root' AND g.Host = '%'; FLUSH PRIVILEGES");
        assertThat(escalated.exitCode()).as(escalated.output()).isZero();
        assertThat(sql("SHOW GRANTS").output()).contains("GRANT ALL PRIVILEGES ON *.*");
        attack("escalated");
        // the escalation is real: inside its own instance the log goes where root says
        Path own = homeOf(a).resolve("log").resolve(MARK + "-own.log");
        LiveServer.Result log = sql("SET GLOBAL general_log_file = '" + own + "'; SET GLOBAL general_log = ON;"
                + " SELECT 'inside'; SET GLOBAL general_log = OFF");
        assertThat(log.exitCode()).as(log.output()).isZero();
        assertThat(own).exists();
    }

    private static void attack(String phase) {
        for (Path secret : secrets()) {
            String path = secret.toString();
            assertThat(sql("SELECT LOAD_FILE('" + path + "') IS NULL").output().strip())
                    .as("LOAD_FILE(%s) as %s", path, phase).isEqualTo("1");
            LiveServer.Result load = sql("LOAD DATA INFILE '" + path + "' INTO TABLE pwn.t; SELECT COUNT(*) FROM pwn.t");
            assertThat(load.exitCode()).as("LOAD DATA INFILE %s as %s: %s", path, phase, load.output()).isNotZero();
            LiveServer.Result local = LiveServer.run(List.of("mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1",
                    "-P", Integer.toString(portA), "-u", "root", "-p" + rootPassword, "--local-infile=1", "pwn", "-N", "-e",
                    "LOAD DATA LOCAL INFILE '" + path + "' INTO TABLE pwn.t"), null, Duration.ofSeconds(30));
            assertThat(local.exitCode()).as("LOAD DATA LOCAL INFILE %s as %s: %s", path, phase, local.output()).isNotZero();
        }
        assertThat(sql("SELECT COUNT(*) FROM pwn.t").output().strip()).isEqualTo("0");

        int n = 0;
        for (Path target : writeTargets(phase)) {
            n++;
            sql("SELECT 'pwned' INTO OUTFILE '" + target + "-out'");
            sql("SELECT 'pwned' INTO DUMPFILE '" + target + "-dump'");
            sql("SET GLOBAL general_log_file = '" + target + "-general.log'; SET GLOBAL general_log = ON; SELECT 'pwned'");
            sql("SET GLOBAL slow_query_log_file = '" + target + "-slow.log'; SET GLOBAL long_query_time = 0;"
                    + " SET GLOBAL slow_query_log = ON; SELECT 'pwned'");
            sql("CREATE TABLE pwn.d" + n + " (i INT) ENGINE=InnoDB DATA DIRECTORY = '" + target.getParent() + "'");
            sql("CREATE TABLE pwn.m" + n + " (i INT) ENGINE=MyISAM DATA DIRECTORY = '" + target.getParent()
                    + "' INDEX DIRECTORY = '" + target.getParent() + "'");
            sql("CREATE TABLE pwn.a" + n + " (i INT) ENGINE=Aria DATA DIRECTORY = '" + target + "-aria'");
        }
        sql("SET GLOBAL general_log = OFF; SET GLOBAL slow_query_log = OFF");
        for (Path target : writeTargets(phase)) {
            for (String suffix : List.of("-out", "-dump", "-general.log", "-slow.log", "-aria")) {
                assertThat(target.resolveSibling(target.getFileName() + suffix)).as("written as %s", phase).doesNotExist();
            }
            try (var siblings = Files.list(target.getParent())) {
                assertThat(siblings.map(p -> p.getFileName().toString()))
                        .as("tables placed in %s as %s", target.getParent(), phase)
                        .noneMatch(name -> name.startsWith("d") && name.endsWith(".ibd") || name.startsWith("m")
                                && (name.endsWith(".MYD") || name.endsWith(".MYI")) || name.contains(MARK));
            } catch (IOException e) {
                // a directory the test cannot list is one nothing was placed in by the engine either
                assertThat(target.getParent()).as("listing %s", target.getParent()).isEqualTo(Path.of("/root"));
            }
        }

        for (String plugin : List.of("ha_federatedx", "ha_federated", "ha_connect", "server_audit", "disks", "../../../../usr/lib/mysql/plugin/ha_federatedx")) {
            LiveServer.Result install = sql("INSTALL SONAME '" + plugin + "'");
            assertThat(install.exitCode()).as("INSTALL SONAME %s as %s: %s", plugin, phase, install.output()).isNotZero();
        }
        assertThat(sql("INSTALL PLUGIN federated SONAME 'ha_federated.so'").exitCode()).isNotZero();
        String engines = sql("SELECT GROUP_CONCAT(ENGINE) FROM information_schema.ENGINES WHERE SUPPORT <> 'NO'").output();
        assertThat(engines).doesNotContainIgnoringCase("FEDERATED").doesNotContainIgnoringCase("CONNECT");
        LiveServer.Result federated = sql("CREATE TABLE pwn.f (i INT) ENGINE=FEDERATED CONNECTION='mysql://reddwarf_admin@127.0.0.1:"
                + portB + "/mysql/user'");
        assertThat(federated.exitCode()).as(federated.output()).isNotZero();
        LiveServer.Result connect = sql("CREATE TABLE pwn.c (l TEXT) ENGINE=CONNECT TABLE_TYPE=DOS FILE_NAME='"
                + live.home.resolve("auth.properties") + "'");
        assertThat(connect.exitCode()).as(connect.output()).isNotZero();
    }

    @Test
    @Order(4)
    void anotherInstancesFilesAndSocketAreClosedToTheEnginesUser() {
        long engineA = enginePid(a);
        int uidA = uidOf(engineA);
        for (String command : List.of("cat " + homeOf(b).resolve("conf/client.cnf"), "ls " + homeOf(b).resolve("data"),
                "ls " + homeOf(b).resolve("run"), "ls " + homeOf(b).resolve("conf"), "cat " + homeOf(a).resolve("conf/client.cnf"),
                "cat " + homeOf(a).resolve("conf/admin-password.secret"), "ls " + homeOf(a).resolve("supervisor"),
                "cat " + live.home.resolve("auth.properties"))) {
            LiveServer.Result read = LiveServer.run(List.of("setpriv", "--reuid=" + uidA, "--regid=" + uidA, "--clear-groups",
                    "sh", "-c", command), null, Duration.ofSeconds(10));
            String path = command;
            assertThat(read.exitCode()).as("uid %s reading %s: %s", uidA, path, read.output()).isNotZero();
        }
        LiveServer.Result socket = LiveServer.run(List.of("setpriv", "--reuid=" + uidA, "--regid=" + uidA, "--clear-groups",
                "mariadb", "--no-defaults", "--socket=" + homeOf(b).resolve("run/mysqld.sock"), "-u", "root", "-e", "select 1"),
                null, Duration.ofSeconds(10));
        assertThat(socket.exitCode()).as(socket.output()).isNotZero();
    }

    @Test
    @Order(5)
    void theInstancesKeepWorking() {
        assertThat(live.show(a).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(live.show(b).get("status").asText()).isEqualTo("ACTIVE");
        JsonNode databases = live.http.get(live.instances() + "/" + a + "/databases").json();
        assertThat(databases.get("databases").findValuesAsText("name")).contains("pwn");
    }

    @Test
    @Order(6)
    void aTenantCannotLockTheControlPlaneOut() {
        LiveServer.Result dropped = sql("DROP USER 'reddwarf_admin'@'localhost', 'reddwarf_admin'@'127.0.0.1'");
        assertThat(dropped.exitCode()).as(dropped.output()).isZero();

        Http.Answer databases = live.http.get(live.instances() + "/" + a + "/databases");
        assertThat(databases.status()).as(databases.body()).isEqualTo(200);
        assertThat(databases.json().get("databases").findValuesAsText("name")).contains("pwn");
        JsonNode shown = live.show(a);
        assertThat(shown.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(shown.get("fault").get("message").asText()).isEqualTo("The control plane's administrative account"
                + " was removed or changed inside the engine; Reddwarf restored it and restarted the engine.");

        // stripped of its privileges by editing the grant tables: a backup still works
        LiveServer.Result stripped = LiveServer.mariadb("127.0.0.1", portA, "root", rootPassword, "mysql",
                "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.access', 0) WHERE User = 'reddwarf_admin';"
                        + " FLUSH PRIVILEGES");
        assertThat(stripped.exitCode()).as(stripped.output()).isZero();
        Http.Answer backup = live.http.post("/v1.0/" + live.project + "/backups",
                "{\"backup\": {\"name\": \"after-lockout\", \"instance\": \"" + a + "\"}}");
        assertThat(backup.status()).as(backup.body()).isEqualTo(202);
        String backupId = backup.json().get("backup").get("id").asText();
        LiveServer.await(Duration.ofSeconds(120), () -> {
            String state = live.http.get("/v1.0/" + live.project + "/backups/" + backupId).json().get("backup")
                    .get("status").asText();
            assertThat(state).isNotEqualTo("FAILED");
            return state.equals("COMPLETED");
        }, "backup " + backupId + " completed");
        live.awaitStatus(a, "ACTIVE", Duration.ofSeconds(60));
    }

    static long enginePid(String instance) {
        return LiveServer.enginesOf(instance).stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd")).orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no engine process of " + instance));
    }

    static int uidOf(long pid) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
        } catch (IOException e) {
            throw new AssertionError("cannot read the owner of process " + pid, e);
        }
    }
}
