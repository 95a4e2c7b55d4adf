package io.reddwarf.core.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's rules for groups, without an engine: a datastore with two versions (only 1.0 has
 * parameters), found by the core like any renderer through {@code META-INF/services}.
 */
final class ConfigurationRulesTest {
    @TempDir
    static Path home;
    static Reddwarf core;
    static ConfigurationService groups;

    /** Two versions; instances are never built in these tests. */
    static final class TwoVersionDatastore implements Datastore {
        @Override
        public String type() {
            return "twov";
        }

        @Override
        public List<DatastoreVersion> versions() {
            return List.of(new DatastoreVersion("1.0", "1.0.1"), new DatastoreVersion("2.0", "2.0.1"));
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.CONFIGURATION);
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            throw new UnsupportedOperationException("not built in this test");
        }
    }

    /** One rule, max_connections 10..100, on version 1.0 only. */
    public static final class TwoVersionRenderer implements ConfigRenderer {
        @Override
        public String datastoreType() {
            return "twov";
        }

        @Override
        public List<Parameter> rules(DatastoreVersion version) {
            return version.name().equals("1.0")
                    ? List.of(new Parameter("max_connections", Type.INTEGER, Optional.of(BigInteger.TEN),
                            Optional.of(BigInteger.valueOf(100)), false))
                    : List.of();
        }

        @Override
        public List<String> validate(DatastoreVersion version, Map<String, String> values) {
            List<String> problems = new ArrayList<>();
            values.forEach((k, v) -> {
                if (!k.equals("max_connections")) {
                    problems.add("The configuration parameter " + k + " is not supported for this datastore: twov "
                            + version.name() + ".");
                }
            });
            return problems;
        }

        @Override
        public Map<String, String> defaults(DatastoreVersion version, Flavor flavor) {
            return Map.of("max_connections", "20");
        }

        @Override
        public String render(InstanceContext context, Map<String, String> values) {
            return "";
        }

        @Override
        public void write(InstanceContext context, Map<String, String> values) {
        }

        @Override
        public Optional<Map<String, String>> restorePrevious(InstanceContext context) {
            return Optional.empty();
        }

        @Override
        public void applyLive(InstanceContext context, Map<String, String> values) {
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(home.resolve(CoreConfig.FILE_NAME), "instances.port-range=37420-37429\n");
        core = Reddwarf.start(CoreConfig.load(home).withDriversInProcess(),
                DriverRegistry.of(List.<Datastore>of(new TwoVersionDatastore()).iterator()));
        groups = core.configurations();
    }

    @AfterAll
    static void stop() {
        if (core != null) {
            core.close();
        }
    }

    private static CreateConfigurationRequest group(String version, Map<String, String> values) {
        return new CreateConfigurationRequest("g", Optional.empty(), Optional.of("twov"), Optional.of(version), values);
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call).isInstanceOf(ReddwarfException.class).hasMessage(message)
                .extracting(e -> ((ReddwarfException) e).code()).isEqualTo(code);
    }

    @Test
    void aGroupOfAnotherVersionCannotBeUsedByANewInstance() {
        ConfigurationView v1 = groups.create("p1", group("1.0", Map.of("max_connections", "50")));

        assertRefused(() -> core.instances().create("p1", new CreateInstanceRequest("i", "1", 1, Optional.of("twov"),
                        Optional.of("2.0"), List.of(), List.of(), Optional.of(v1.id()))),
                ErrorCode.BAD_REQUEST, "Datastore Version on Configuration twov 1.0 does not match the Datastore "
                        + "Version on the instance twov 2.0.");
        assertThat(core.instances().list("p1")).isEmpty();
    }

    @Test
    void aVersionWithoutParametersHasNoGroups() {
        assertRefused(() -> groups.create("p1", group("2.0", Map.of())), ErrorCode.UNPROCESSABLE,
                "Configuration groups are not supported for this datastore: twov 2.0");
        assertThat(groups.parameters("twov", "2.0")).isEmpty();
        assertThat(groups.parameters("twov", "1.0")).extracting(p -> p.parameter().name())
                .containsExactly("max_connections");
    }

    @Test
    void anotherProjectsGroupIsNotFound() {
        ConfigurationView mine = groups.create("p1", group("1.0", Map.of()));

        assertRefused(() -> groups.get("p2", mine.id()), ErrorCode.NOT_FOUND,
                "Configuration group " + mine.id() + " cannot be found.");
        assertRefused(() -> groups.delete("p2", mine.id()), ErrorCode.NOT_FOUND,
                "Configuration group " + mine.id() + " cannot be found.");
        assertRefused(() -> core.instances().create("p2", new CreateInstanceRequest("i", "1", 1, Optional.of("twov"),
                        Optional.of("1.0"), List.of(), List.of(), Optional.of(mine.id()))),
                ErrorCode.NOT_FOUND, "Configuration group " + mine.id() + " cannot be found.");
    }

    @Test
    void patchMergesPutReplacesAndADryRunChangesNothing() {
        ConfigurationView g = groups.create("p1", group("1.0", Map.of("max_connections", "50")));

        groups.update("p1", g.id(), new ConfigurationUpdate(Optional.of("renamed"), Optional.empty(),
                Map.of("max_connections", "60"), false), true);
        assertThat(groups.get("p1", g.id()).values()).containsEntry("max_connections", BigInteger.valueOf(50));
        assertThat(groups.get("p1", g.id()).name()).isEqualTo("g");

        groups.update("p1", g.id(), new ConfigurationUpdate(Optional.of("renamed"), Optional.empty(), Map.of(), false),
                false);
        assertThat(groups.get("p1", g.id()).values()).containsEntry("max_connections", BigInteger.valueOf(50));
        assertThat(groups.get("p1", g.id()).name()).isEqualTo("renamed");

        groups.update("p1", g.id(), new ConfigurationUpdate(Optional.empty(), Optional.empty(), Map.of(), true), false);
        assertThat(groups.get("p1", g.id()).values()).isEmpty();
    }

    @Test
    void concurrentUpdatesOfOneGroupAllSucceed() throws Exception {
        ConfigurationView g = groups.create("p1", group("1.0", Map.of()));
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (String value : List.of("11", "12", "13", "14")) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    groups.update("p1", g.id(), new ConfigurationUpdate(Optional.empty(), Optional.empty(),
                            Map.of("max_connections", value), false), false);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(groups.get("p1", g.id()).values()).containsOnlyKeys("max_connections");
    }
}
