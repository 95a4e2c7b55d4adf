package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.launcher.listeners.TestExecutionSummary.Failure;

/**
 * The TCK itself under test: the real mariadb driver with {@code users()} removed while still
 * claiming {@link Capability#USERS} must fail the admin section, naming the operation. (This lives
 * here rather than in the TCK's module because it needs a real driver, and drivers depend on the TCK.)
 */
final class TckCatchesABrokenDriverTest {
    private static final String SELF_TEST = "reddwarf.tck.self-test";

    @Test
    void aDriverWithoutUsersThatClaimsUsersFailsNamingTheOperation() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(UsersRemovedTck.class))
                .filters(TagFilter.includeTags("tck-admin"))
                .configurationParameter(SELF_TEST, "true")
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();

        LauncherFactory.create().execute(request, listener);

        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsFoundCount()).isEqualTo(3);
        assertThat(summary.getFailures()).hasSize(1);
        Failure failure = summary.getFailures().get(0);
        assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo("usersAreListedCreatedGrantedAndDropped()");
        assertThat(failure.getException()).hasMessage("users().list() failed for datastore 'mariadb': "
                + "The 'users' operation is not supported for the 'mariadb' datastore.");
        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    }

    /** The TCK over the broken driver; runs only through the launcher above. */
    @ExtendWith(OnlyAsSelfTest.class)
    static final class UsersRemovedTck extends MariaDbTckFixture {
        @Override
        protected Datastore datastore() {
            return new UsersRemoved(new MariaDbDatastore());
        }
    }

    /** Disables {@link UsersRemovedTck} unless the launcher request above runs it. */
    static final class OnlyAsSelfTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SELF_TEST).isPresent()
                    ? ConditionEvaluationResult.enabled("run by TckCatchesABrokenDriverTest")
                    : ConditionEvaluationResult.disabled("runs only through TckCatchesABrokenDriverTest");
        }
    }

    /** Delegates everything to the real driver, except that its instances inherit the default {@code users()}. */
    private record UsersRemoved(Datastore delegate) implements Datastore {
        @Override
        public String type() {
            return delegate.type();
        }

        @Override
        public List<DatastoreVersion> versions() {
            return delegate.versions();
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            DatastoreInstance real = delegate.open(context);
            return new DatastoreInstance() {
                @Override
                public String type() {
                    return real.type();
                }

                @Override
                public void prepare(PrepareRequest request) {
                    real.prepare(request);
                }

                @Override
                public void start() {
                    real.start();
                }

                @Override
                public void stop() {
                    real.stop();
                }

                @Override
                public HealthStatus status() {
                    return real.status();
                }

                @Override
                public Endpoint endpoint() {
                    return real.endpoint();
                }

                @Override
                public void destroy() {
                    real.destroy();
                }

                @Override
                public io.reddwarf.spi.DatabaseAdmin databases() {
                    return real.databases();
                }

                @Override
                public io.reddwarf.spi.RootAdmin root() {
                    return real.root();
                }
            };
        }
    }
}
