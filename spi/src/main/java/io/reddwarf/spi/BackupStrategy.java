package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * A way to back up and restore instances of some datastore versions, listed in
 * {@code META-INF/services/io.reddwarf.spi.BackupStrategy}. Strategies stream: they write the backup
 * to a sink and read a restore from a source, and never keep a full copy on local disk; the control
 * plane compresses, encrypts, checksums and stores the stream.
 *
 * <p>Implementations have a public no-argument constructor, hold no state and are called from
 * many threads.
 */
public interface BackupStrategy {
    /** A stable lowercase name, e.g. {@code "mariabackup"}, {@code "mariadb-dump"}. */
    String name();

    /**
     * Whether restores need a running, prepared engine ({@link Kind#LOGICAL}: the backup is replayed
     * through a client) or a stopped engine with an empty data directory ({@link Kind#PHYSICAL}).
     */
    Kind kind();

    /** Whether this strategy can back up instances of this datastore type and version. */
    boolean supports(String datastoreType, DatastoreVersion version);

    /** Whether {@link #backup} accepts a parent to produce an incremental backup. */
    default boolean incremental() {
        return false;
    }

    /**
     * Writes a backup of the running instance to {@code sink}. Called on a workflow thread; may take
     * as long as the data requires. Does not close {@code sink}.
     *
     * @param parent metadata of the parent backup for an incremental backup
     * @return metadata to store with the backup and hand back as a parent or for restore
     * @throws NotSupportedException if {@code parent} is present and {@link #incremental()} is false
     * @throws DatastoreException    if the tool fails; whatever reached {@code sink} is discarded
     */
    BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink);

    /**
     * Restores a backup into the instance. For a {@link Kind#LOGICAL} strategy the engine runs and
     * the instance is freshly prepared; for a {@link Kind#PHYSICAL} one the engine is stopped and
     * the data directory empty, and the control plane starts the engine afterwards. Called on a
     * workflow thread. Does not close {@code source}.
     *
     * @throws DatastoreException if the tool fails or the source ends early
     */
    void restore(InstanceContext context, BackupMetadata metadata, InputStream source);

    /**
     * Called once after the last {@link #restore} of a {@link Kind#PHYSICAL} chain, when the control
     * plane has started the engine again: the place to reconcile what the data files brought from
     * the source instance (its accounts) with the restored instance's own configuration. Called on
     * a workflow thread. The default does nothing.
     *
     * @throws DatastoreException if the instance cannot be made usable
     */
    default void afterRestore(InstanceContext context) {}

    /** How a strategy's backups are restored. */
    enum Kind {
        /** Statements replayed through a client into a running engine. */
        LOGICAL,
        /** Data files placed into an empty data directory of a stopped engine. */
        PHYSICAL
    }

    /** Strategy-specific facts about a backup (log sequence numbers, binary log positions). */
    record BackupMetadata(String strategy, Map<String, String> properties) {
        public BackupMetadata {
            requireNonNull(strategy, "strategy is null");
            properties = Map.copyOf(requireNonNull(properties, "properties is null"));
        }
    }
}
