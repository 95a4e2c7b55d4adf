package io.reddwarf.core.instance;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class InstanceNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"app1", "my app", "prod-db_2", "ünïcødé"})
    void acceptsOrdinaryNames(String name) {
        assertThatCode(() -> DefaultInstanceService.validateName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a'b", "a\"b", "a`b", "a\\b", "a\nb", "a\u0000b"})
    void rejectsQuotesBackticksAndControlCharacters(String name) {
        assertThatThrownBy(() -> DefaultInstanceService.validateName(name))
                .isInstanceOf(ReddwarfException.class)
                .hasMessage("Instance name must not contain quotes, backticks, backslashes or control characters.")
                .extracting(e -> ((ReddwarfException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 300})
    void rejectsLongNames(int length) {
        assertThatThrownBy(() -> DefaultInstanceService.validateName("x".repeat(length)))
                .hasMessage("Instance name is too long: " + length + " characters, at most 255.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyNames(String name) {
        assertThatThrownBy(() -> DefaultInstanceService.validateName(name))
                .hasMessage("Instance name must not be empty.");
    }
}
