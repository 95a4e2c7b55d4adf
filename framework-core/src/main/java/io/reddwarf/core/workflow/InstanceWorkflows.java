package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.reddwarf.core.backup.BackupWorkflows;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.DefaultInstanceService;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.SecretBox;
import io.reddwarf.core.provider.InstanceProvider;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.InvalidRequestException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable instance workflows on db-scheduler. Each workflow is a one-time task whose instance id is
 * the Reddwarf instance id, so scheduling is idempotent ({@code scheduleIfNotExists}). The state
 * that matters lives in the instance row (task, step) and is written before each side effect;
 * every step is idempotent, so a control plane killed mid-way resumes the same task after the
 * scheduler declares the old execution dead and revives it.
 */
public final class InstanceWorkflows implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceWorkflows.class);

    /** How often one build moves its instance to another port because its engine found the port taken. */
    static final int PORT_MOVES = 3;
    /** The text of EADDRINUSE, which engines print when they cannot bind their port. */
    private static final String ADDRESS_IN_USE = "Address already in use";

    private final InstanceRepository repository;
    private final DriverRegistry drivers;
    private final FlavorCatalog flavors;
    private final InstanceProvider provider;
    private final SecretBox secrets;
    private final InstanceContexts contexts;
    private final Optional<BackupWorkflows> backups;
    private final OneTimeTask<Void> create;
    private final OneTimeTask<Void> delete;
    private final OneTimeTask<Void> restart;
    private final ConfigurationHook configuration;
    private final OneTimeTask<Void> resize;
    private final InstanceLocks locks;
    private final WorkflowScheduler scheduler;

    /**
     * @param configuration what builds and restarts do for the instance's configuration group
     * @param backups       the backup workflows (backups and restores), if backups are enabled
     * @param locks         the instances' locks, shared with everything else that uses or changes an engine
     * @param scheduler     where the instance workflows register their tasks
     */
    public InstanceWorkflows(InstanceRepository repository, DriverRegistry drivers, FlavorCatalog flavors,
            InstanceProvider provider, SecretBox secrets, ConfigurationHook configuration, InstanceContexts contexts,
            Optional<BackupWorkflows> backups, InstanceLocks locks, WorkflowScheduler scheduler) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.drivers = requireNonNull(drivers, "drivers is null");
        this.flavors = requireNonNull(flavors, "flavors is null");
        this.provider = requireNonNull(provider, "provider is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        this.backups = requireNonNull(backups, "backups is null");
        this.create = Tasks.oneTime("instance-create", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> runCreate(inst.getId()));
        this.delete = Tasks.oneTime("instance-delete", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> runDelete(inst.getId()));
        this.restart = Tasks.oneTime("instance-restart", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> runRestart(inst.getId()));
        this.resize = Tasks.oneTime("instance-resize", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> runResize(inst.getId()));
        for (Task<?> task : List.of(create, delete, restart, resize)) {
            scheduler.register(task);
        }
    }

    public void scheduleCreate(String instanceId) {
        scheduler.schedule(create.instance(instanceId));
    }

    public void scheduleDelete(String instanceId) {
        scheduler.schedule(delete.instance(instanceId));
    }

    public void scheduleRestart(String instanceId) {
        scheduler.schedule(restart.instance(instanceId));
    }

    public void scheduleResize(String instanceId) {
        scheduler.schedule(resize.instance(instanceId));
    }

    /** Makes sure the workflow that the row's task calls for exists (after a crash before scheduling). */
    public void ensureScheduled(InstancesRecord row) {
        switch (InstanceStatus.Task.valueOf(row.getTask())) {
            case BUILDING -> scheduleCreate(row.getId());
            case DELETING -> scheduleDelete(row.getId());
            case RESTARTING -> scheduleRestart(row.getId());
            case BACKUP -> backups.ifPresent(b -> b.ensureScheduled(row.getId()));
            case RESIZING -> scheduleResize(row.getId());
            case NONE, FAILED -> configuration.ensureScheduled(row);
        }
    }

    /** The instances' locks: whoever uses or changes an engine holds its instance's lock. */
    public InstanceLocks locks() {
        return locks;
    }

    /** Whether the instance's files are on this host. */
    public boolean filesPresent(InstancesRecord row) {
        return provider.exists(row.getId());
    }

    /** The driver's handle on the instance of {@code row}, if its driver is loaded. */
    public Optional<DatastoreInstance> open(InstancesRecord row) {
        return contexts.open(row);
    }

    /** Where the instance of {@code row} runs, if its driver and version are available. */
    public Optional<InstanceContext> context(InstancesRecord row) {
        return contexts.context(row);
    }

    /** Kills every process of the instance at once (an engine that does not answer ignores a request to stop). */
    public void killEngine(String instanceId) {
        provider.stopLeftovers(instanceId);
    }

    /**
     * Starts an engine outside a workflow (the health loop after a crash). If it does not start
     * because of a new configuration file, the configuration hook puts back the previous one.
     */
    public void startRecovering(InstancesRecord row, DatastoreInstance instance) {
        try {
            instance.start();
        } catch (RuntimeException e) {
            boolean recovered = context(row).map(c -> configuration.recoverRestart(row, c, instance, e)).orElse(false);
            if (!recovered) {
                throw e;
            }
        }
        configuration.restarted(row.getId());
    }

    private void runCreate(String id) {
        for (int moves = 0; build(id, moves < PORT_MOVES); moves++) {
            LOG.info("Building instance {} again on its new port", id);
        }
    }

    /**
     * One attempt to build the instance. When its engine cannot bind the port (something took it
     * after it was allocated) and {@code mayMovePort}, the attempt's files and processes are
     * removed and the instance moves to another port instead of failing.
     *
     * @return whether the instance moved and must be built again
     */
    private boolean build(String id, boolean mayMovePort) {
        Optional<InstancesRecord> found = repository.find(id);
        if (found.isEmpty() || found.get().getDeleted()
                || !found.get().getTask().equals(InstanceStatus.Task.BUILDING.name())) {
            return false;
        }
        InstancesRecord row = found.get();
        Optional<DatastoreInstance> instance = Optional.empty();
        try {
            instance = open(row);
            if (instance.isEmpty()) {
                repository.markFailed(id, "Datastore '" + row.getDatastoreType() + "' version '"
                        + row.getDatastoreVersion() + "' is not available on this host.");
                return false;
            }
            if (row.getBuildRequest() == null) {
                repository.markFailed(id, "The build request was lost; the instance cannot be built.");
                return false;
            }
            if ("PREPARING".equals(row.getStep()) || "RESTORING".equals(row.getStep())) {
                // an earlier attempt was interrupted (control plane killed): nothing it started may linger
                LOG.info("Resuming the interrupted build of instance {}", id);
                provider.stopLeftovers(id);
            }
            repository.setStep(id, "PREPARING");
            configuration.beforePrepare(row, context(row).orElseThrow());
            long started = System.nanoTime();
            // The backup's objects are checked while the instance is prepared.
            Optional<BackupWorkflows.RestoreChain> restore = Optional.ofNullable(row.getRestoreBackupId())
                    .map(backupId -> backups.orElseThrow(() -> new IllegalStateException("backups are not enabled"))
                            .checkChain(backupId));
            var request = DefaultInstanceService.openBuildRequest(secrets, row.getBuildRequest());
            if (restore.isPresent() && restore.get().physical()) {
                instance.get().prepareForPhysicalRestore(request);
            } else {
                instance.get().prepare(request);
            }
            if (restore.isPresent()) {
                repository.setStep(id, "RESTORING");
                InstanceContext context = contexts.context(row).orElseThrow();
                backups.get().restoreInto(restore.get(), context, instance.get());
            }
            if (!repository.markBuilt(id)) {
                abandon(id, instance.get());
                return false;
            }
            configuration.restarted(id);
            LOG.info("Instance {} is ACTIVE after {} ms of build", id, (System.nanoTime() - started) / 1_000_000);
        } catch (InvalidRequestException e) {
            fail(id, instance, e.getMessage());
        } catch (RuntimeException e) {
            if (mayMovePort && portTaken(e) && moveToAnotherPort(row)) {
                return true;
            }
            LOG.error("Build of instance {} failed", id, e);
            fail(id, instance, "Build failed: " + e.getMessage());
        }
        return false;
    }

    /**
     * A build that finished after its instance stopped building (the build timeout set it to ERROR,
     * and it may have been deleted since): its engine must not run on, nor its files outlive the
     * instance.
     */
    private void abandon(String id, DatastoreInstance instance) {
        boolean gone = repository.find(id).map(r -> r.getDeleted()
                || InstanceStatus.Task.DELETING.name().equals(r.getTask())).orElse(true);
        LOG.warn("The build of instance {} finished after the instance stopped building; {}", id,
                gone ? "removing what it created" : "stopping its engine");
        if (gone) {
            provider.release(id);
            return;
        }
        try {
            instance.stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop the engine of instance {}: {}", id, e.getMessage());
            provider.stopLeftovers(id);
        }
    }

    /** Whether {@code failure} says that a socket could not be bound (EADDRINUSE), as engines report it. */
    static boolean portTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(ADDRESS_IN_USE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes what the failed attempt left (its processes, and its files, whose log names the taken
     * port) and moves the instance to another free port; false when the range has none.
     */
    private boolean moveToAnotherPort(InstancesRecord row) {
        provider.release(row.getId());
        Optional<Integer> moved = repository.movePort(row.getId(), provider.ports().first(), provider.ports().last(),
                provider::portAvailable);
        moved.ifPresent(port -> LOG.warn("The engine of instance {} could not bind port {}, which something else took"
                + " after the instance got it; the instance moves to port {}", row.getId(), row.getPort(), port));
        return moved.isPresent();
    }

    private void fail(String id, Optional<DatastoreInstance> instance, String message) {
        repository.markFailed(id, message);
        instance.ifPresent(i -> {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.warn("Could not stop failed instance {}: {}", id, e.getMessage());
            }
        });
    }

    private void runDelete(String id) {
        locks.holding(id, () -> delete(id));
        locks.forget(id);
    }

    private void delete(String id) {
        Optional<InstancesRecord> found = repository.find(id);
        if (found.isEmpty() || found.get().getDeleted()
                || !found.get().getTask().equals(InstanceStatus.Task.DELETING.name())) {
            return;
        }
        InstancesRecord row = found.get();
        try {
            open(row).ifPresent(DatastoreInstance::destroy);
        } catch (RuntimeException e) {
            LOG.warn("Driver could not destroy instance {} cleanly ({}); removing its files", id, e.getMessage());
        }
        provider.release(id);
        repository.markDeleted(id);
        LOG.info("Instance {} deleted", id);
    }

    private void runRestart(String id) {
        locks.holding(id, () -> restart(id));
    }

    private void restart(String id) {
        Optional<InstancesRecord> found = repository.find(id);
        if (found.isEmpty() || found.get().getDeleted()
                || !found.get().getTask().equals(InstanceStatus.Task.RESTARTING.name())) {
            return;
        }
        try {
            DatastoreInstance instance = open(found.get())
                    .orElseThrow(() -> new IllegalStateException("datastore driver unavailable"));
            if (instance.status() == HealthStatus.STARTING) {
                // its process exists but does not answer (we hold the lock: nobody is starting it), so it would not act on a stop
                LOG.warn("The engine of instance {} does not answer; killing it before the restart", id);
                killEngine(id);
            }
            try {
                instance.restart();
            } catch (RuntimeException e) {
                if (!configuration.recoverRestart(found.get(), context(found.get()).orElseThrow(), instance, e)) {
                    throw e;
                }
            }
            repository.setHealth(id, Health.RUNNING);
            repository.clearEngineRecovery(id);
            repository.transitionTask(id, InstanceStatus.Task.RESTARTING,
                    InstanceStatus.Task.NONE);
            configuration.restarted(id);
        } catch (RuntimeException e) {
            LOG.error("Restart of instance {} failed", id, e);
            repository.markFailed(id, "Restart failed: " + e.getMessage());
        }
    }

    /** The row already names the new flavor; the driver renders it into the engine's settings and restarts. */
    private void runResize(String id) {
        locks.holding(id, () -> resize(id));
    }

    private void resize(String id) {
        Optional<InstancesRecord> found = repository.find(id);
        if (found.isEmpty() || found.get().getDeleted()
                || !found.get().getTask().equals(InstanceStatus.Task.RESIZING.name())) {
            return;
        }
        try {
            DatastoreInstance instance = open(found.get())
                    .orElseThrow(() -> new IllegalStateException("datastore driver unavailable"));
            instance.applyFlavor();
            repository.setHealth(id, Health.RUNNING);
            repository.clearEngineRecovery(id);
            repository.transitionTask(id, InstanceStatus.Task.RESIZING, InstanceStatus.Task.NONE);
            configuration.restarted(id);
            LOG.info("Instance {} resized to flavor {}", id, found.get().getFlavorId());
        } catch (RuntimeException e) {
            LOG.error("Resize of instance {} failed", id, e);
            repository.markFailed(id, "Resize failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
