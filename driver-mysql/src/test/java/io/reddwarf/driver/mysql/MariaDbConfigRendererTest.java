package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.ConfigRenderer.Parameter;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InvalidRequestException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Rules, validation and rendering; no engine needed. */
final class MariaDbConfigRendererTest {
    private static final DatastoreVersion V1011 = new DatastoreVersion("10.11", "10.11.19");
    private final MariaDbConfigRenderer renderer = new MariaDbConfigRenderer();

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(ConfigRenderer.class).stream().map(ServiceLoader.Provider::type))
                .contains(MariaDbConfigRenderer.class);
        assertThat(renderer.datastoreType()).isEqualTo("mariadb");
    }

    @Test
    void rulesComeFromTheVersionsDataFileWithExactUnsigned64BitBounds() {
        List<Parameter> rules = renderer.rules(V1011);

        assertThat(rules).hasSizeGreaterThanOrEqualTo(30);
        assertThat(rules).contains(new Parameter("max_binlog_cache_size", ConfigRenderer.Type.INTEGER,
                Optional.of(BigInteger.valueOf(4096)), Optional.of(new BigInteger("18446744073709551615")), false));
        assertThat(rules).contains(new Parameter("ft_min_word_len", ConfigRenderer.Type.INTEGER,
                Optional.of(BigInteger.ONE), Optional.of(BigInteger.valueOf(84)), true));
        assertThat(rules).extracting(Parameter::name).doesNotContain("datadir", "max_connect_errors", "socket");
        assertThat(renderer.rules(new DatastoreVersion("5.5", "5.5.1"))).isEmpty();
    }

    @Test
    void acceptsValidValuesUpToTheUnsigned64BitMaximum() {
        assertThat(renderer.validate(V1011, Map.of(
                "max_binlog_cache_size", "18446744073709551615",
                "max_connections", "200",
                "autocommit", "false",
                "long_query_time", "0.5",
                "sql_mode", "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"))).isEmpty();
    }

    @Test
    void rejectsUnknownParametersWrongTypesAndValuesOutOfRange() {
        assertThat(renderer.validate(V1011, Map.of("datadir", "/tmp")))
                .containsExactly("The configuration parameter datadir is not supported for this datastore: mariadb 10.11.");
        assertThat(renderer.validate(V1011, Map.of("max_connections", "many")))
                .containsExactly("The value provided for the configuration parameter max_connections is not of type integer.");
        assertThat(renderer.validate(V1011, Map.of("autocommit", "maybe")))
                .containsExactly("The value provided for the configuration parameter autocommit is not of type boolean.");
        assertThat(renderer.validate(V1011, Map.of("max_binlog_cache_size", "18446744073709551616")))
                .containsExactly("The value for the configuration parameter max_binlog_cache_size is greater than the "
                        + "maximum allowed: 18446744073709551615");
        assertThat(renderer.validate(V1011, Map.of("max_connections", "9")))
                .containsExactly("The value for the configuration parameter max_connections is less than the minimum "
                        + "allowed: 10");
    }

    @Test
    void rejectsValuesThatCouldEscapeTheirLine() {
        for (String value : List.of("utf8mb4\n[client]", "x]", "[mariadbd]", "a#b", "a'b", "a\"b", "a\\b", "a\rb")) {
            assertThat(renderer.validate(V1011, Map.of("sql_mode", value)))
                    .as(value)
                    .containsExactly("The value for the configuration parameter sql_mode must not contain line breaks, "
                            + "brackets, '#', quotes or backslashes.");
        }
    }

    @Test
    void defaultsAreDerivedFromTheFlavorsMemory() {
        Map<String, String> small = renderer.defaults(V1011, new Flavor("1", "tiny", 512, 1, 1));
        Map<String, String> large = renderer.defaults(V1011, new Flavor("4", "large", 4096, 4, 20));

        assertThat(small).containsEntry("innodb_buffer_pool_size", Long.toString(256L << 20))
                .containsEntry("max_connections", "64");
        assertThat(large).containsEntry("innodb_buffer_pool_size", Long.toString(2048L << 20))
                .containsEntry("max_connections", "512")
                .containsEntry("innodb_log_buffer_size", Long.toString(64L << 20));
    }

    @Test
    void renderPutsUserValuesOverTheFlavorsAndRefusesInvalidOnes() {
        var context = MariaDbFixture.newContext(V1011);

        String cnf = renderer.render(context, Map.of("max_connections", "321", "autocommit", "false"));

        assertThat(cnf).contains("[mariadbd]\n", "port=" + context.port() + "\n", "max_connections=321\n",
                "autocommit=OFF\n", "innodb_buffer_pool_size=" + (256L << 20) + "\n");
        assertThat(cnf).doesNotContain("max_connections=64");
        assertThatThrownBy(() -> renderer.render(context, Map.of("sql_mode", "x\n[client]")))
                .isInstanceOf(InvalidRequestException.class);
    }
}
