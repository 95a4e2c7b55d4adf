package io.reddwarf.driver.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reddwarf.backup.MariaDbDumpStrategy;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The TCK's backup section under test: a strategy whose restore reads the backup and applies
 * nothing must fail the section, naming the strategy. The real mariadb driver runs under the type
 * {@value #TYPE}, which only the broken strategy (listed in this module's test
 * {@code META-INF/services}) supports.
 */
final class TckCatchesABrokenStrategyTest {
    static final String TYPE = "mariadb-forgetful";

    @Test
    void aStrategyThatRestoresNothingFailsNamingIt() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();

        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(ForgetfulTck.class))
                .filters(TagFilter.includeTags("tck-backup"))
                .configurationParameter("reddwarf.tck.self-test", "true")
                .build(), listener);

        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsSucceededCount()).as("the check of the claimed strategies").isEqualTo(1);
        assertThat(summary.getFailures()).hasSize(1);
        assertThat(summary.getFailures().get(0).getException())
                .hasMessageContaining("an instance restored by strategy 'tck-forgetful' from the full backup");
    }

    /** The TCK over the real driver under another type, claiming the broken strategy. */
    @ExtendWith(TckCatchesABrokenDriverTest.OnlyAsSelfTest.class)
    static final class ForgetfulTck extends MariaDbTckFixture {
        @Override
        protected Datastore datastore() {
            return new Renamed(new MariaDbDatastore());
        }

        @Override
        protected Set<String> backupStrategies() {
            return Set.of(Forgetful.NAME);
        }
    }

    /** Backs up like {@code mariadb-dump}; its restore reads the backup and applies nothing. */
    public static final class Forgetful implements BackupStrategy {
        static final String NAME = "tck-forgetful";
        private final BackupStrategy dump = new MariaDbDumpStrategy();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Kind kind() {
            return Kind.LOGICAL;
        }

        @Override
        public boolean supports(String datastoreType, DatastoreVersion version) {
            return TYPE.equals(datastoreType);
        }

        @Override
        public BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
            BackupMetadata metadata = dump.backup(context, parent, sink);
            return new BackupMetadata(NAME, metadata.properties());
        }

        @Override
        public void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
            try {
                source.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The real driver under the type {@value #TYPE}. */
    private record Renamed(Datastore delegate) implements Datastore {
        @Override
        public String type() {
            return TYPE;
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
        public void validate(PrepareRequest request) {
            delegate.validate(request);
        }

        @Override
        public DatastoreInstance open(InstanceContext context) {
            return delegate.open(context);
        }
    }
}
