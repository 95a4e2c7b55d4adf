package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Configuration on one real engine: values written before prepare, live changes, restart, rollback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class MariaDbConfigurationTest {
    private static final MariaDbConfigRenderer RENDERER = new MariaDbConfigRenderer();
    private static LocalInstanceContext context;
    private static DatastoreInstance instance;

    @BeforeAll
    static void prepareWithValues() {
        MariaDbDatastore datastore = new MariaDbDatastore();
        DatastoreVersion version = MariaDbFixture.requireServer(datastore);
        context = MariaDbFixture.newContext(version);
        instance = datastore.open(context);
        RENDERER.write(context, Map.of("max_connections", "77"));
        instance.prepare(PrepareRequest.empty());
    }

    @AfterAll
    static void destroy() {
        if (instance != null) {
            instance.destroy();
        }
        if (context != null) {
            MariaDbFixture.killAll(context.homeDir());
        }
    }

    private static String variable(String name) {
        List<List<String>> rows = new MySqlFamilyInstance(new MariaDbEngine(), Binaries.fromEnvironment(), context)
                .adminSql("SELECT @@GLOBAL." + name + ";\n");
        return rows.getFirst().getFirst();
    }

    @Test
    @Order(1)
    void valuesWrittenBeforePrepareAreInEffectFromTheFirstStart() {
        assertThat(variable("max_connections")).isEqualTo("77");
    }

    @Test
    @Order(2)
    void dynamicValuesApplyLiveAndStayInTheFile() throws Exception {
        Map<String, String> values = Map.of("max_connections", "150", "max_binlog_cache_size", "18446744073709547520");
        RENDERER.write(context, values);
        RENDERER.applyLive(context, values);

        assertThat(variable("max_connections")).isEqualTo("150");
        assertThat(variable("max_binlog_cache_size")).isEqualTo("18446744073709547520");
        assertThat(Files.readString(MariaDbConfigRenderer.configFile(context))).contains("max_connections=150\n");
        assertThatThrownBy(() -> RENDERER.applyLive(context, Map.of("ft_min_word_len", "3")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("The configuration parameter ft_min_word_len takes effect only after a restart.");
    }

    @Test
    @Order(3)
    void restartRequiredValuesTakeEffectAtTheRestart() {
        RENDERER.write(context, Map.of("max_connections", "150", "ft_min_word_len", "3"));
        assertThat(variable("ft_min_word_len")).isEqualTo("4");

        instance.restart();

        assertThat(variable("ft_min_word_len")).isEqualTo("3");
        assertThat(variable("max_connections")).isEqualTo("150");
    }

    @Test
    @Order(4)
    void aConfigurationTheEngineCannotStartWithIsRolledBack() {
        RENDERER.write(context, Map.of("innodb_buffer_pool_size", "9223372036854775807"));

        assertThatThrownBy(instance::restart).isInstanceOf(DatastoreException.class);
        assertThat(RENDERER.restorePrevious(context)).contains(Map.of("max_connections", "150", "ft_min_word_len", "3"));
        instance.start();

        assertThat(instance.status()).isEqualTo(HealthStatus.RUNNING);
        assertThat(variable("ft_min_word_len")).isEqualTo("3");
        assertThat(RENDERER.restorePrevious(context)).isEmpty();
    }
}
