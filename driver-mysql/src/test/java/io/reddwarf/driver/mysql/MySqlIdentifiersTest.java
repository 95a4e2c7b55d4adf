package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class MySqlIdentifiersTest {
    private static final String DATABASE_RULE = "' is not valid: use 1 to 64 letters, digits, '_', '$' or '-'.";
    private static final String USER_RULE = "' is not valid: use 1 to 80 letters, digits, '_', '.' or '-'.";

    @ParameterizedTest
    @ValueSource(strings = {"shop", "my_db", "a$b", "orders-2024", "X"})
    void acceptsPlainDatabaseNames(String name) {
        assertThatCode(() -> MySqlIdentifiers.validateDatabaseName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a'b", "a`b", "a\"b", "a\\b", "a b", "a\tb", "a\0b", "a.b", "a/b", "ä"})
    void rejectsDatabaseNamesWithOtherCharacters(String name) {
        assertThatThrownBy(() -> MySqlIdentifiers.validateDatabaseName(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name '" + name + DATABASE_RULE);
    }

    @Test
    void rejectsOverlongDatabaseNames() {
        String name = "d".repeat(300);

        assertThatThrownBy(() -> MySqlIdentifiers.validateDatabaseName(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name '" + name + DATABASE_RULE);
        assertThatCode(() -> MySqlIdentifiers.validateDatabaseName("d".repeat(64))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "information_schema", "performance_schema", "sys", "MySQL", "SYS"})
    void rejectsSystemDatabases(String name) {
        assertThatThrownBy(() -> MySqlIdentifiers.validateDatabaseName(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name '" + name + "' is reserved.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "app.reader", "svc-1", "a_b"})
    void acceptsPlainUserNames(String name) {
        assertThatCode(() -> MySqlIdentifiers.validateUserName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "o'neil", "a`b", "a\\b", "a b", "a\nb", "a@b"})
    void rejectsUserNamesWithOtherCharacters(String name) {
        assertThatThrownBy(() -> MySqlIdentifiers.validateUserName(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("User name '" + name + USER_RULE);
    }

    @Test
    void rejectsOverlongUserNames() {
        assertThatCode(() -> MySqlIdentifiers.validateUserName("u".repeat(80))).doesNotThrowAnyException();
        assertThatThrownBy(() -> MySqlIdentifiers.validateUserName("u".repeat(300)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("User name '" + "u".repeat(300) + USER_RULE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "reddwarf_admin", "mariadb.sys", "ROOT", "mysql.session"})
    void rejectsReservedUsers(String name) {
        assertThatThrownBy(() -> MySqlIdentifiers.validateUserName(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("User name '" + name + "' is reserved.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "localhost", "127.0.0.1", "10.0.%", "::1", "db-client.example.com", "192.168.1._"})
    void acceptsHostPatterns(String host) {
        assertThatCode(() -> MySqlIdentifiers.validateHost(host)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a'b", "a b", "host`", "x\\y"})
    void rejectsOtherHosts(String host) {
        assertThatThrownBy(() -> MySqlIdentifiers.validateHost(host))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Host '" + host
                        + "' is not valid: use '%', 'localhost', a host name or an IP address, optionally with '%' or '_' wildcards.");
    }

    @Test
    void checksCharacterSetsCollationsAndUsersDatabases() {
        assertThatThrownBy(() -> MySqlIdentifiers.validateDatabase(
                new DatabaseSpec("shop", Optional.of("utf8'; DROP"), Optional.empty())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Character set 'utf8'; DROP' is not valid: use 1 to 64 letters, digits or '_'.");
        assertThatThrownBy(() -> MySqlIdentifiers.validate(new PrepareRequest(List.of(),
                List.of(new UserSpec("alice", "%", new Secret("pw"), List.of("mysql"))))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Database name 'mysql' is reserved.");
    }

    @Test
    void quotesIdentifiersAndStrings() {
        assertThat(MySqlIdentifiers.quoteIdentifier("a`b")).isEqualTo("`a``b`");
        assertThat(MySqlIdentifiers.quoteString("it's a \\ test\n\0")).isEqualTo("'it\\'s a \\\\ test\\n\\0'");
        assertThat(MySqlIdentifiers.quoteAccount("alice", "%")).isEqualTo("'alice'@'%'");
        assertThat(MySqlIdentifiers.quoteGrantDatabase("my_db%")).isEqualTo("`my\\_db\\%`");
    }
}
