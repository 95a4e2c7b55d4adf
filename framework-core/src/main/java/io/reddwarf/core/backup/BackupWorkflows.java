package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.core.db.tables.records.BackupsRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.BackupRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.provider.InstanceBackups;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.core.workflow.WorkflowScheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long work of backups, run by the workflow workers: taking a backup (the backup's state and
 * the instance's task BACKUP live in the rows; a revived run starts the backup over) and restoring
 * a backup chain into an instance being built.
 */
public final class BackupWorkflows {
    /**
     * The tools log in with the control plane's account, which the tenant may have broken; when the
     * check itself fails (an engine that is down), the tool reports the failure in its own words.
     */
    private void repairAccess(InstancesRecord instance, InstanceContext context) {
        try {
            contexts.open(instance, context).repairAccess().ifPresent(repaired -> {
                LOG.warn("Instance {}: {}", instance.getId(), repaired);
                instances.recordAccessRepair(instance.getId(), repaired);
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not check the access to instance {} before a backup: {}", instance.getId(), e.toString());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BackupWorkflows.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    private final BackupRepository backups;
    private final InstanceRepository instances;
    private final InstanceContexts contexts;
    private final BackupStrategies strategies;
    private final BackupPipeline pipeline;
    private final InstanceLocks locks;
    private final WorkflowScheduler scheduler;
    private final OneTimeTask<Void> task;

    /**
     * @param locks     the instances' locks: a backup holds its instance's lock while it runs
     * @param scheduler where the backup workflow registers its task
     */
    public BackupWorkflows(BackupRepository backups, InstanceRepository instances, InstanceContexts contexts,
            BackupStrategies strategies, BackupPipeline pipeline, InstanceLocks locks, WorkflowScheduler scheduler) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.task = Tasks.oneTime("backup-create", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> run(inst.getId()));
        scheduler.register(task);
        this.locks = requireNonNull(locks, "locks is null");
        this.backups = requireNonNull(backups, "backups is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        this.strategies = requireNonNull(strategies, "strategies is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
    }

    /** Schedules the workflow that takes backup {@code backupId} (once, however often it is called). */
    public void schedule(String backupId) {
        scheduler.schedule(task.instance(backupId));
    }

    /** Schedules the workflows of the instance's backups that have not finished (after a crash before scheduling). */
    public void ensureScheduled(String instanceId) {
        backups.running(instanceId).stream().map(BackupsRecord::getId).forEach(this::schedule);
    }

    /** Takes backup {@code backupId}; ends COMPLETED (object verified) or FAILED, the instance back to its task NONE. */
    public void run(String backupId) {
        Optional<BackupsRecord> found = backups.find(backupId);
        if (found.isEmpty() || found.get().getDeleted() || BackupState.valueOf(found.get().getState()).finished()) {
            return;
        }
        // the tools use the engine, and the access check may restart it
        locks.holding(found.get().getInstanceId(), () -> runLocked(backupId));
    }

    private void runLocked(String backupId) {
        Optional<BackupsRecord> found = backups.find(backupId);
        if (found.isEmpty() || found.get().getDeleted() || BackupState.valueOf(found.get().getState()).finished()) {
            return;
        }
        BackupsRecord row = found.get();
        String objectKey = objectKey(row);
        try {
            InstancesRecord instance = instances.find(row.getInstanceId()).orElseThrow(
                    () -> new DatastoreException("The instance of the backup is gone."));
            InstanceContext context = contexts.context(instance).orElseThrow(() -> new DatastoreException(
                    "Datastore '" + instance.getDatastoreType() + "' version '" + instance.getDatastoreVersion()
                            + "' is not available on this host."));
            InstanceBackups runner = contexts.backups(pipeline, contexts.open(instance, context), context);
            boolean revived = !BackupState.NEW.name().equals(row.getState());
            if (revived && runner.reattaches()) {
                // it went on where it runs while this process was away: wait for the same run
                LOG.info("Waiting for the backup {}, which went on while the control plane was away", backupId);
            } else if (revived) {
                LOG.info("Starting the interrupted backup {} over", backupId);
                contexts.stopLeftoverTools(instance.getId());
                pipeline.store().delete(objectKey);
            }
            if (!revived) {
                repairAccess(instance, context);
            }
            BackupStrategy strategy = strategy(row.getStrategy());
            Optional<BackupMetadata> parent = Optional.empty();
            if (row.getParentId() != null) {
                BackupsRecord parentRow = backups.find(row.getParentId()).filter(p -> !p.getDeleted())
                        .filter(p -> BackupState.COMPLETED.name().equals(p.getState()))
                        .orElseThrow(() -> new DatastoreException("The parent backup " + row.getParentId() + " is missing."));
                parent = Optional.of(metadata(parentRow));
            }
            backups.setState(backupId, BackupState.BUILDING.name());
            long started = System.nanoTime();
            StoredBackup stored = runner.backup(backupId, strategy, parent, objectKey, everySecond(
                    bytes -> backups.setProgress(backupId, bytes)),
                    () -> backups.setState(backupId, BackupState.SAVING.name()));
            backups.markCompleted(backupId, stored.objectKey(), stored.size(), stored.rawSize(), stored.sha256(),
                    stored.keyId(), stored.wrappedKey(), toJson(stored.metadata().properties()));
            LOG.info("Backup {} of instance {} COMPLETED: {} bytes from the tool, {} stored, {} ms", backupId,
                    row.getInstanceId(), stored.rawSize(), stored.size(), (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.error("Backup {} of instance {} failed", backupId, row.getInstanceId(), e);
            pipeline.store().delete(objectKey);
            backups.markFailed(backupId, failure(e));
        } finally {
            instances.transitionTask(row.getInstanceId(), Task.BACKUP, Task.NONE);
        }
    }

    /**
     * Starts checking the objects of backup {@code backupId}'s chain (size, SHA-256, data key) on a
     * thread of its own, so the check runs while the instance is prepared; {@link #restoreInto}
     * waits for it before any byte reaches the tool.
     *
     * @throws DatastoreException if a backup of the chain is missing or not completed
     */
    public RestoreChain checkChain(String backupId) {
        Chain chain = chain(backupId);
        for (BackupsRecord row : chain.rows().reversed()) {
            if (!BackupState.COMPLETED.name().equals(row.getState())) {
                throw new DatastoreException("Backup " + row.getId() + " is missing.");
            }
        }
        chain.missing().ifPresent(id -> {
            throw new DatastoreException("Backup " + id + " is missing.");
        });
        List<BackupsRecord> rows = chain.rows();
        boolean physical = strategy(rows.getLast().getStrategy()).kind() == BackupStrategy.Kind.PHYSICAL;
        CompletableFuture<Void> checked = CompletableFuture.runAsync(
                () -> contexts.checkBackups(pipeline, rows.stream().map(BackupWorkflows::stored).toList()),
                task -> Thread.ofPlatform().daemon().name("backup-check-" + backupId).start(task));
        return new RestoreChain(backupId, rows, physical, checked);
    }

    /**
     * A backup chain, oldest first, whose objects are being checked; {@code physical} if it fills a
     * data directory (the instance is then prepared with
     * {@link DatastoreInstance#prepareForPhysicalRestore}).
     */
    public record RestoreChain(String backupId, List<BackupsRecord> rows, boolean physical,
            CompletableFuture<Void> checked) {}

    /**
     * Restores a checked chain (see {@link #checkChain}) into the instance being built: a logical
     * backup into the running engine, a physical one into its emptied data directory with the
     * engine stopped, started again afterwards.
     */
    public void restoreInto(RestoreChain chain, InstanceContext context, DatastoreInstance instance) {
        long started = System.nanoTime();
        try {
            chain.checked().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        long checked = System.nanoTime();
        List<BackupPipeline.Step> steps = chain.rows().stream()
                .map(row -> new BackupPipeline.Step(strategy(row.getStrategy()), stored(row))).toList();
        BackupPipeline.RestoreTimes times = contexts.backups(pipeline, instance, context).restore(steps);
        long done = System.nanoTime();
        LOG.info("Restored backup {} ({} in its chain) into instance {} in {} ms: waited {} ms for the check, "
                + "stopped and emptied in {} ms, restored in {} ms, started in {} ms", chain.backupId(),
                chain.rows().size(), context.instanceId(), millis(started, done), millis(started, checked),
                times.stopAndEmpty(), times.restore(), times.startAndFinish());
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** The JDK reports a process ended by signal n as exit code 128 + n. */
    private static final java.util.regex.Pattern KILLED = java.util.regex.Pattern.compile(
            "\\(exit code (129|1[3-5][0-9]|16[0-4])\\)");

    static final String STORE_FULL = "Backup failed: the backup store is out of space (No space left on device).";

    /** The reason a backup failed, as its row shows it; a full store is named as such, whatever layer noticed. */
    static String failure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return STORE_FULL;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed.getMessage() != null && suppressed.getMessage().contains("No space left on device")) {
                    return STORE_FULL;
                }
            }
        }
        return "Backup failed: " + KILLED.matcher(String.valueOf(e.getMessage())).replaceFirst(m ->
                "(killed by signal " + (Integer.parseInt(m.group(1)) - 128) + ")");
    }

    /** Progress reaches the state store at most once a second: each commit there is forced to disk. */
    private static LongConsumer everySecond(LongConsumer progress) {
        long[] last = {System.nanoTime()};
        return bytes -> {
            long now = System.nanoTime();
            if (now - last[0] >= PROGRESS_INTERVAL_NANOS) {
                last[0] = now;
                progress.accept(bytes);
            }
        };
    }

    /**
     * The first backup of the chain ending with {@code backupId} (ancestors first) that is missing
     * or whose object is not in the store, if any.
     */
    public Optional<String> firstMissing(String backupId) {
        Chain chain = chain(backupId);
        return chain.missing().or(() -> chain.rows().stream()
                .filter(row -> pipeline.store().size(objectKey(row)).isEmpty())
                .map(BackupsRecord::getId).findFirst());
    }

    /**
     * The backups of the chain ending with {@code backupId} that still have a row, oldest first,
     * and the id of the backup where the walk to the ancestors stopped because its row is gone.
     */
    private record Chain(List<BackupsRecord> rows, Optional<String> missing) {}

    private Chain chain(String backupId) {
        Deque<BackupsRecord> rows = new ArrayDeque<>();
        for (String next = backupId; next != null; ) {
            Optional<BackupsRecord> row = backups.find(next).filter(r -> !r.getDeleted());
            if (row.isEmpty()) {
                return new Chain(List.copyOf(rows), Optional.of(next));
            }
            rows.addFirst(row.get());
            next = row.get().getParentId();
        }
        return new Chain(List.copyOf(rows), Optional.empty());
    }

    /** Removes the stored object of a backup. */
    public void deleteObject(BackupsRecord row) {
        pipeline.store().delete(objectKey(row));
    }

    static String objectKey(BackupsRecord row) {
        return row.getObjectKey() != null ? row.getObjectKey() : row.getId() + ".rdwb";
    }

    private BackupStrategy strategy(String name) {
        return strategies.named(name).orElseThrow(() -> new DatastoreException(
                "The backup strategy '" + name + "' is not available on this host."));
    }

    static StoredBackup stored(BackupsRecord row) {
        return new StoredBackup(row.getObjectKey(), row.getSizeBytes(), row.getProgressBytes(), row.getChecksum(),
                row.getKeyId(), row.getWrappedKey(), metadata(row));
    }

    static BackupMetadata metadata(BackupsRecord row) {
        try {
            Map<String, String> properties = row.getMetadata() == null ? Map.of()
                    : JSON.readValue(row.getMetadata(), new TypeReference<Map<String, String>>() {});
            return new BackupMetadata(row.getStrategy(), properties);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable metadata of backup " + row.getId(), e);
        }
    }

    private static String toJson(Map<String, String> properties) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(properties));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
