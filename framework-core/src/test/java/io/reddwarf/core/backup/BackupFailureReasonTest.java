package io.reddwarf.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.DatastoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The reason a failed backup shows: a full store named as such, a tool ended by a signal named as such. */
final class BackupFailureReasonTest {

    @Test
    void aFullStoreIsNamedWhereverTheErrorSits() {
        var direct = new UncheckedIOException("Could not store backup x", new IOException("No space left on device"));
        assertThat(BackupWorkflows.failure(direct)).isEqualTo(BackupWorkflows.STORE_FULL);

        var suppressed = new DatastoreException("mariabackup failed to back up instance i (exit code 1): broken pipe");
        suppressed.addSuppressed(new IOException("No space left on device"));
        assertThat(BackupWorkflows.failure(suppressed)).isEqualTo(BackupWorkflows.STORE_FULL);
    }

    @Test
    void aToolEndedBySignalIsNamedAndOtherExitCodesAreKept() {
        assertThat(BackupWorkflows.failure(new DatastoreException("mariabackup failed to back up instance i "
                + "(exit code 137): last line"))).isEqualTo("Backup failed: mariabackup failed to back up instance i "
                + "(killed by signal 9): last line");
        assertThat(BackupWorkflows.failure(new DatastoreException("mariadb-dump failed to dump (exit code 2): x")))
                .isEqualTo("Backup failed: mariadb-dump failed to dump (exit code 2): x");
    }
}
