package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Without its engine the TCK aborts naming what is missing, or fails when the engine is required. */
final class MissingEngineTest {
    private static final String SELF_TEST = "reddwarf.tck.self-test";
    private static final String MISSING = "The 'noengine' datastore offers no version on this host: "
            + "noengined (Debian package noengine-server) is missing.";

    @Test
    void abortsNamingTheMissingEngine() {
        List<TestExecutionResult> results = runLifecycle(ThirdParty.class);

        assertThat(results).hasSize(2).allSatisfy(result -> {
            assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.ABORTED);
            assertThat(result.getThrowable()).get().extracting(Throwable::getMessage).isEqualTo(MISSING);
        });
    }

    @Test
    void failsWhenTheEngineIsRequired() {
        List<TestExecutionResult> results = runLifecycle(Required.class);

        assertThat(results).hasSize(2).allSatisfy(result -> {
            assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
            assertThat(result.getThrowable()).get().extracting(Throwable::getMessage)
                    .isEqualTo(MISSING + " This driver's build requires the engine.");
        });
    }

    private static List<TestExecutionResult> runLifecycle(Class<?> tck) {
        List<TestExecutionResult> results = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(tck))
                .filters(TagFilter.includeTags("tck-lifecycle"))
                .configurationParameter(SELF_TEST, "true")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        if (test.isTest()) {
                            results.add(result);
                        }
                    }
                });
        return results;
    }

    /** The TCK of a third party whose machine lacks the engine. */
    @ExtendWith(OnlyAsSelfTest.class)
    static class ThirdParty extends DatastoreTck {
        @Override
        protected Datastore datastore() {
            return new NoEngine();
        }

        @Override
        protected Set<Capability> claimedCapabilities() {
            return Set.of();
        }

        @Override
        protected String engineRequirement() {
            return "noengined (Debian package noengine-server)";
        }

        @Override
        protected EngineClient engineClient() {
            throw new UnsupportedOperationException("never reached without an engine");
        }
    }

    /** The same for a driver whose build must prove it. */
    static final class Required extends ThirdParty {
        @Override
        protected boolean requireEngine() {
            return true;
        }
    }

    /** Keeps the TCK classes above out of the normal test run. */
    static final class OnlyAsSelfTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SELF_TEST).isPresent()
                    ? ConditionEvaluationResult.enabled("run by MissingEngineTest")
                    : ConditionEvaluationResult.disabled("runs only through MissingEngineTest");
        }
    }

    private record NoEngine() implements Datastore {
        @Override
        public String type() {
            return "noengine";
        }

        @Override
        public List<DatastoreVersion> versions() {
            return List.of();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            throw new IllegalArgumentException("no version is installed");
        }
    }
}
