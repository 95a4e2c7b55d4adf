package io.reddwarf.core.account;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.core.workflow.InstanceWorkflows;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import io.reddwarf.spi.UserSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account operations of {@link DefaultAccountService}, guarded in two ways.
 *
 * <p><b>One engine change at a time.</b> Every operation runs under its instance's lock
 * ({@link InstanceLocks}), which restarts, resizes, deletes, backups and the health loop also take
 * before they touch the engine. An instance that is not ACTIVE is refused at once; otherwise the
 * operation waits for the lock (at most {@link #LOCK_WAIT}), and the delegate reads the row again
 * under it: an operation that gets the lock after a task began is refused with 422, and a task
 * that began after the operation got the lock waits for it to finish.
 *
 * <p><b>Access the tenant broke.</b> When an operation fails in the engine, the driver checks the
 * control plane's own access ({@link DatastoreInstance#repairAccess()}), still under the lock; if
 * it had to restore it, the instance's fault says so and the operation runs once more.
 */
public final class GuardedAccountService implements AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedAccountService.class);
    /** How long an operation waits for the operation or task that holds its instance. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final AccountService delegate;
    private final InstanceRepository instances;
    private final InstanceWorkflows workflows;
    private final InstanceLocks locks;

    public GuardedAccountService(AccountService delegate, InstanceRepository instances, InstanceWorkflows workflows,
            InstanceLocks locks) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
        this.locks = requireNonNull(locks, "locks is null");
    }

    private <T> T guarded(String projectId, String instanceId, Supplier<T> operation) {
        instances.findLive(projectId, instanceId).ifPresent(row -> {
            if (!InstanceStatus.of(row).acceptsRequests()) {
                throw DefaultAccountService.notReady(instanceId);
            }
        });
        return locks.holding(instanceId, LOCK_WAIT, () -> repairing(projectId, instanceId, operation),
                () -> DefaultAccountService.notReady(instanceId));
    }

    private void guarded(String projectId, String instanceId, Runnable operation) {
        guarded(projectId, instanceId, () -> {
            operation.run();
            return null;
        });
    }

    private <T> T repairing(String projectId, String instanceId, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (InvalidRequestException | NotSupportedException e) {
            throw e;
        } catch (DatastoreException e) {
            Optional<InstancesRecord> row = instances.findLive(projectId, instanceId);
            Optional<DatastoreInstance> engine = row.flatMap(workflows::open);
            if (engine.isEmpty()) {
                throw e;
            }
            if (engine.get().status() != HealthStatus.RUNNING) {
                // the engine stopped or stopped answering under the operation: the instance is not ready, nothing erred
                LOG.warn("Instance {}: an account operation failed because the engine does not answer: {}", instanceId,
                        e.getMessage());
                throw DefaultAccountService.notReady(instanceId);
            }
            Optional<String> repaired;
            try {
                repaired = engine.get().repairAccess();
            } catch (RuntimeException repairFailed) {
                e.addSuppressed(repairFailed);
                throw e;
            }
            if (repaired.isEmpty()) {
                throw e;
            }
            LOG.warn("Instance {}: {}", instanceId, repaired.get());
            instances.recordAccessRepair(instanceId, repaired.get());
            return operation.get();
        }
    }

    @Override
    public List<DatabaseSpec> listDatabases(String projectId, String instanceId) {
        return guarded(projectId, instanceId, () -> delegate.listDatabases(projectId, instanceId));
    }

    @Override
    public void createDatabases(String projectId, String instanceId, List<DatabaseSpec> databases) {
        guarded(projectId, instanceId, () -> delegate.createDatabases(projectId, instanceId, databases));
    }

    @Override
    public void deleteDatabase(String projectId, String instanceId, String name) {
        guarded(projectId, instanceId, () -> delegate.deleteDatabase(projectId, instanceId, name));
    }

    @Override
    public List<User> listUsers(String projectId, String instanceId) {
        return guarded(projectId, instanceId, () -> delegate.listUsers(projectId, instanceId));
    }

    @Override
    public User getUser(String projectId, String instanceId, String name, String host) {
        return guarded(projectId, instanceId, () -> delegate.getUser(projectId, instanceId, name, host));
    }

    @Override
    public void createUsers(String projectId, String instanceId, List<UserSpec> users) {
        guarded(projectId, instanceId, () -> delegate.createUsers(projectId, instanceId, users));
    }

    @Override
    public void deleteUser(String projectId, String instanceId, String name, String host) {
        guarded(projectId, instanceId, () -> delegate.deleteUser(projectId, instanceId, name, host));
    }

    @Override
    public void updateUser(String projectId, String instanceId, String name, String host, UserUpdate update) {
        guarded(projectId, instanceId, () -> delegate.updateUser(projectId, instanceId, name, host, update));
    }

    @Override
    public void changePasswords(String projectId, String instanceId, List<PasswordChange> changes) {
        guarded(projectId, instanceId, () -> delegate.changePasswords(projectId, instanceId, changes));
    }

    @Override
    public List<String> listAccess(String projectId, String instanceId, String name, String host) {
        return guarded(projectId, instanceId, () -> delegate.listAccess(projectId, instanceId, name, host));
    }

    @Override
    public void grantAccess(String projectId, String instanceId, String name, String host, List<String> databases) {
        guarded(projectId, instanceId, () -> delegate.grantAccess(projectId, instanceId, name, host, databases));
    }

    @Override
    public void revokeAccess(String projectId, String instanceId, String name, String host, String database) {
        guarded(projectId, instanceId, () -> delegate.revokeAccess(projectId, instanceId, name, host, database));
    }

    @Override
    public boolean isRootEnabled(String projectId, String instanceId) {
        return guarded(projectId, instanceId, () -> delegate.isRootEnabled(projectId, instanceId));
    }

    @Override
    public Secret enableRoot(String projectId, String instanceId, Optional<Secret> password, String enabledBy) {
        return guarded(projectId, instanceId, () -> delegate.enableRoot(projectId, instanceId, password, enabledBy));
    }

    @Override
    public void disableRoot(String projectId, String instanceId) {
        guarded(projectId, instanceId, () -> delegate.disableRoot(projectId, instanceId));
    }

    @Override
    public List<RootEvent> rootHistory(String instanceId) {
        return delegate.rootHistory(instanceId);
    }
}
