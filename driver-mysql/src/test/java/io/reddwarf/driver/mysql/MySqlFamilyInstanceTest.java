package io.reddwarf.driver.mysql;

import static io.reddwarf.driver.mysql.MariaDbFixture.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import io.reddwarf.spi.UserSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One prepared instance shared by all tests: how MariaDB is secured and what its admin operations do beyond the TCK. */
final class MySqlFamilyInstanceTest {
    private static final String ALICE_PASSWORD = "al1ce's \\pass";
    private static LocalInstanceContext context;
    private static DatastoreInstance instance;

    @BeforeAll
    static void prepareInstance() {
        MariaDbDatastore datastore = new MariaDbDatastore();
        DatastoreVersion version = MariaDbFixture.requireServer(datastore);
        context = MariaDbFixture.newContext(version);
        instance = datastore.open(context);
        instance.prepare(new PrepareRequest(
                List.of(DatabaseSpec.named("shop"), new DatabaseSpec("my_db", Optional.of("latin1"), Optional.of("latin1_swedish_ci"))),
                List.of(new UserSpec("alice", "%", new Secret(ALICE_PASSWORD), List.of("shop")))));
    }

    @AfterAll
    static void destroyInstance() {
        if (instance != null) {
            instance.destroy();
        }
        if (context != null) {
            MariaDbFixture.killAll(context.homeDir());
        }
    }

    @Test
    void requestedUserCannotReachOtherDatabases() {
        MariaDbFixture.Result result = client("-h127.0.0.1", "-P" + context.port(), "-ualice", "-p" + ALICE_PASSWORD,
                "my_db", "-e", "SELECT 1");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("Access denied");
    }

    @Test
    void noAnonymousAccountAccepts() {
        MariaDbFixture.Result result = client("-h127.0.0.1", "-P" + context.port(), "-unobody", "-e", "SELECT 1");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("Access denied");
    }

    @Test
    void rootCannotLogInOverTcp() {
        MariaDbFixture.Result result = client("-h127.0.0.1", "-P" + context.port(), "-uroot", "-e", "SELECT 1");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).containsAnyOf("Access denied", "not allowed to connect");
    }

    @Test
    void theOnlyAccountsAreRootOnTheSocketTheSystemAndTheControlPlane() {
        MariaDbFixture.Result result = client("--socket=" + context.runDir().resolve("mysqld.sock"), "-uroot", "--batch",
                "--skip-column-names", "-e", "SELECT CONCAT(User, '@', Host) FROM mysql.user ORDER BY 1; SHOW DATABASES");

        assertThat(result.output().lines().toList()).containsExactlyInAnyOrder(
                "alice@%", "mariadb.sys@localhost", "reddwarf_admin@127.0.0.1", "reddwarf_admin@localhost", "root@localhost",
                "information_schema", "my_db", "mysql", "performance_schema", "shop", "sys");
    }

    @Test
    void secretsAreOwnerOnlyAndTheConfigurationIsReadableByTheEngineAlone() throws IOException {
        for (String file : List.of("admin-password.secret", "client.cnf")) {
            Path path = context.confDir().resolve(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(file).isEqualTo("rw-------");
        }
        // the engine runs under its own group when the tests run as root, and reads my.cnf through it
        boolean root = "root".equals(System.getProperty("user.name"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(context.confDir().resolve("my.cnf"))))
                .isEqualTo(root ? "rw-r-----" : "rw-------");
        String adminPassword = context.secrets().get("admin-password").orElseThrow().value();
        assertThat(Files.readString(context.confDir().resolve("my.cnf"))).doesNotContain(adminPassword);
        assertThat(Files.readString(context.logDir().resolve("error.log"))).doesNotContain(adminPassword);
    }

    @Test
    void prepareAgainIsIdempotent() {
        instance.prepare(new PrepareRequest(List.of(DatabaseSpec.named("shop")), List.of()));

        assertThat(instance.status()).isEqualTo(HealthStatus.RUNNING);
        assertThat(instance.databases().list()).extracting(DatabaseSpec::name).containsExactly("my_db", "shop");
    }

    @Test
    void databasesAreListedCreatedAndDropped() {
        assertThat(instance.databases().list()).containsExactly(
                new DatabaseSpec("my_db", Optional.of("latin1"), Optional.of("latin1_swedish_ci")),
                new DatabaseSpec("shop", Optional.of("utf8mb4"), Optional.of("utf8mb4_general_ci")));

        instance.databases().create(List.of(new DatabaseSpec("extra-1", Optional.of("utf8mb4"), Optional.of("utf8mb4_bin"))));
        assertThat(instance.databases().list()).extracting(DatabaseSpec::name).containsExactly("extra-1", "my_db", "shop");

        instance.databases().drop("extra-1");
        instance.databases().drop("extra-1");
        assertThat(instance.databases().list()).extracting(DatabaseSpec::name).containsExactly("my_db", "shop");
    }

    @Test
    void reservedDatabasesCannotBeDropped() {
        assertThatThrownBy(() -> instance.databases().drop("mysql"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name 'mysql' is reserved.");
    }

    @Test
    void grantOnADatabaseWithUnderscoreDoesNotCoverLookalikes() {
        instance.databases().create(List.of(DatabaseSpec.named("myxdb")));
        instance.users().create(List.of(new UserSpec("carol", "%", new Secret("c4rol-pw"), List.of("my_db"))));
        try {
            MariaDbFixture.Result result = client("-h127.0.0.1", "-P" + context.port(), "-ucarol", "-pc4rol-pw",
                    "myxdb", "-e", "SELECT 1");
            assertThat(result.exitCode()).isNotZero();
        } finally {
            instance.users().drop("carol", "%");
            instance.databases().drop("myxdb");
        }
    }

    @Test
    void rootCanBeEnabledOverTcpAndDisabledAgain() {
        assertThat(instance.root().isEnabled()).isFalse();

        Secret password = instance.root().enable(Optional.empty());

        assertThat(password.value()).matches("[A-Za-z0-9]{32}");
        assertThat(instance.root().isEnabled()).isTrue();
        assertThat(client("-h127.0.0.1", "-P" + context.port(), "-uroot", "-p" + password.value(), "-e", "SELECT 1")
                .exitCode()).isZero();
        assertThat(instance.users().list()).extracting(User::name).doesNotContain("root");

        instance.root().disable();

        assertThat(instance.root().isEnabled()).isFalse();
        assertThat(client("-h127.0.0.1", "-P" + context.port(), "-uroot", "-p" + password.value(), "-e", "SELECT 1")
                .exitCode()).isNotZero();
        assertThat(client("--socket=" + context.runDir().resolve("mysqld.sock"), "-uroot", "-e", "SELECT 1")
                .exitCode()).isZero();
    }

    @Test
    void prepareRejectsInvalidNamesBeforeTouchingAnything() {
        assertThatThrownBy(() -> instance.prepare(new PrepareRequest(List.of(DatabaseSpec.named("a`b")), List.of())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name 'a`b' is not valid: use 1 to 64 letters, digits, '_', '$' or '-'.");
        assertThat(instance.status()).isEqualTo(HealthStatus.RUNNING);
    }

    @Test
    void characterSetsAndCollationsAreCheckedAgainstTheEngine() {
        assertThatThrownBy(() -> instance.databases().create(
                List.of(new DatabaseSpec("cs1", Optional.of("klingon"), Optional.empty()))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Character set 'klingon' is not supported by the engine.");
        assertThatThrownBy(() -> instance.databases().create(
                List.of(new DatabaseSpec("cs1", Optional.of("latin1"), Optional.of("utf8mb4_bin")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Collation 'utf8mb4_bin' does not belong to character set 'latin1'.");
        instance.databases().create(List.of(new DatabaseSpec("cs1", Optional.of("utf8"), Optional.of("utf8_general_ci"))));
        assertThat(instance.databases().list()).extracting(DatabaseSpec::name).contains("cs1");
        instance.databases().drop("cs1");
    }

    @Test
    void theCharacterSetsShippedWithTheDriverAreTheEngines() {
        CharacterSets engine = CharacterSets.of(((MySqlFamilyInstance) instance).adminSql(
                "SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLLATIONS"
                        + " WHERE CHARACTER_SET_NAME IS NOT NULL;\n"));
        assertThat(CharacterSets.shipped("mariadb", context.version().name())).contains(engine);
    }

    @Test
    void usersAreRenamedRegrantedAndRekeyed() {
        instance.databases().create(List.of(DatabaseSpec.named("ops")));
        instance.users().create(List.of(new UserSpec("carol", "%", new Secret("Carol-1"), List.of())));
        instance.users().grant("carol", "%", List.of("ops"));
        assertThat(canQuery("carol", "Carol-1", "ops")).isTrue();

        instance.users().update("carol", "%", new UserUpdate(Optional.of("dave"), Optional.of("127.0.0.1"),
                Optional.of(new Secret("Dave-2"))));
        assertThat(instance.users().list()).contains(new User("dave", "127.0.0.1", List.of("ops")));
        assertThat(canQuery("dave", "Dave-2", "ops")).isTrue();
        assertThat(canQuery("carol", "Carol-1", "ops")).isFalse();

        instance.users().changePasswords(List.of(new PasswordChange("dave", "127.0.0.1", new Secret("Dave-3"))));
        assertThat(canQuery("dave", "Dave-3", "ops")).isTrue();

        instance.users().revoke("dave", "127.0.0.1", "ops");
        assertThat(canQuery("dave", "Dave-3", "ops")).isFalse();
        assertThatThrownBy(() -> instance.users().grant("dave", "127.0.0.1", List.of("mysql")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name 'mysql' is reserved.");
        instance.users().drop("dave", "127.0.0.1");
        instance.databases().drop("ops");
    }

    private static boolean canQuery(String user, String password, String database) {
        return client("-h127.0.0.1", "-P" + context.port(), "-u" + user, "-p" + password, database, "-e", "SELECT 1")
                .exitCode() == 0;
    }
}
