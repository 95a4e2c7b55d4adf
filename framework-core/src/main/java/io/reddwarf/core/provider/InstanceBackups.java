package io.reddwarf.core.provider;

import static java.util.Objects.requireNonNull;

import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Backups and restores of one instance, run where its driver runs: in this process, or by the agent
 * of its host, which streams between the engine's tools and the object store itself.
 */
public interface InstanceBackups {

    /**
     * Takes a backup with {@code strategy} and stores it as {@code objectKey}; returns what was
     * stored once the object is verified.
     *
     * @param runId    names this backup: a control plane that restarts while the backup runs asks
     *                 again with the same id and, where {@link #reattaches()}, gets the same run's result
     * @param progress called with the bytes the tool produced so far, now and then
     * @param saving   called once the tool has ended, while the object is committed and verified
     */
    StoredBackup backup(String runId, BackupStrategy strategy, Optional<BackupMetadata> parent, String objectKey,
            LongConsumer progress, Runnable saving);

    /**
     * Restores a chain whose objects were checked (oldest first) into the instance being built
     * (see {@link BackupPipeline#restoreChain}).
     */
    BackupPipeline.RestoreTimes restore(List<BackupPipeline.Step> chain);

    /**
     * Whether a backup goes on where it runs when the control plane stops, so that its run is
     * asked for again rather than started over (in this process, a stop ends the run).
     */
    boolean reattaches();

    /** The pipeline itself, in this process, on the driver's handle and context. */
    static InstanceBackups inProcess(BackupPipeline pipeline, DatastoreInstance instance, InstanceContext context) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(context, "context is null");
        return new InstanceBackups() {
            @Override
            public StoredBackup backup(String runId, BackupStrategy strategy, Optional<BackupMetadata> parent,
                    String objectKey, LongConsumer progress, Runnable saving) {
                return pipeline.backup(strategy, context, parent, objectKey, progress, saving);
            }

            @Override
            public BackupPipeline.RestoreTimes restore(List<BackupPipeline.Step> chain) {
                return pipeline.restoreChain(chain, context, instance);
            }

            @Override
            public boolean reattaches() {
                return false;
            }
        };
    }
}
