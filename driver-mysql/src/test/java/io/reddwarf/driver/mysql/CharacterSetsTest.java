package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lists shipped with the driver, and the check a create request gets before any engine runs. */
final class CharacterSetsTest {
    static DatabaseSpec db(String characterSet, String collation) {
        return new DatabaseSpec("db1", Optional.ofNullable(characterSet), Optional.ofNullable(collation));
    }

    @Test
    void listsAreShippedForMariaDb1011AndMySql80Only() {
        assertThat(CharacterSets.shipped("mariadb", "10.11")).hasValueSatisfying(known -> {
            assertThat(known.characterSets()).contains("utf8mb4", "latin1", "utf8mb3").hasSize(40);
            assertThat(known.collations()).containsEntry("utf8mb4_bin", "utf8mb4").hasSize(322);
        });
        assertThat(CharacterSets.shipped("mysql", "8.0")).hasValueSatisfying(known -> {
            assertThat(known.characterSets()).contains("utf8mb4", "latin1", "utf8mb3").hasSize(41);
            assertThat(known.collations()).containsEntry("utf8mb4_0900_ai_ci", "utf8mb4").hasSize(286);
        });
        assertThat(CharacterSets.shipped("mariadb", "11.4")).isEmpty();
        assertThat(CharacterSets.shipped("percona", "8.0")).isEmpty();
    }

    @Test
    void refusesWhatTheEngineDoesNotKnow() {
        CharacterSets mariadb = CharacterSets.shipped("mariadb", "10.11").orElseThrow();
        assertThatThrownBy(() -> mariadb.check(List.of(db("str", null))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Character set 'str' is not supported by the engine.");
        assertThatThrownBy(() -> mariadb.check(List.of(db(null, "str_bin"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Collation 'str_bin' is not supported by the engine.");
        assertThatThrownBy(() -> mariadb.check(List.of(db("latin1", "utf8mb4_bin"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Collation 'utf8mb4_bin' does not belong to character set 'latin1'.");
        assertThatThrownBy(() -> CharacterSets.shipped("mysql", "8.0").orElseThrow()
                .check(List.of(db("utf8mb4", "utf8mb4_uca1400_ai_ci"))))
                .hasMessage("Collation 'utf8mb4_uca1400_ai_ci' is not supported by the engine.");
    }

    @Test
    void acceptsWhatTheEngineKnowsInAnyCaseAndUtf8AsUtf8mb3() {
        CharacterSets mariadb = CharacterSets.shipped("mariadb", "10.11").orElseThrow();
        mariadb.check(List.of(db("UTF8MB4", "utf8mb4_Unicode_CI"), db("utf8", "utf8_general_ci"),
                db(null, "latin1_swedish_ci"), db("ascii", null), db(null, null)));
        CharacterSets.shipped("mysql", "8.0").orElseThrow()
                .check(List.of(db("utf8mb4", "utf8mb4_0900_ai_ci"), db("utf8", "utf8_bin")));
    }

    @Test
    void theDatastoreChecksACreateRequestWithTheInstalledVersionsList() {
        MySqlDatastore mysql = new MySqlDatastore();
        assertThat(mysql.versions()).extracting(v -> v.name()).containsExactly("8.0");
        assertThatThrownBy(() -> mysql.validate(new PrepareRequest(List.of(db("str", null)), List.of())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Character set 'str' is not supported by the engine.");
        mysql.validate(new PrepareRequest(List.of(db("utf8mb4", "utf8mb4_0900_ai_ci")), List.of()));
    }
}
