package io.reddwarf.core.account;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import io.reddwarf.spi.UserSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs every account operation under its instance's lock ({@link InstanceLocks}), which restarts,
 * resizes, deletes, backups and the health loop also take before they touch the engine. An
 * instance that is not ACTIVE is refused at once; otherwise the operation waits for the lock (at
 * most {@link #LOCK_WAIT}), and the delegate reads the row again under it: an operation that gets
 * the lock after a task began is refused with 422, and a task that began after the operation got
 * the lock waits for it to finish.
 */
public final class LockingAccountService implements AccountService {
    /** How long an operation waits for the operation or task that holds its instance. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final AccountService delegate;
    private final InstanceRepository instances;
    private final InstanceLocks locks;

    public LockingAccountService(AccountService delegate, InstanceRepository instances, InstanceLocks locks) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.locks = requireNonNull(locks, "locks is null");
    }

    private <T> T locked(String projectId, String instanceId, Supplier<T> operation) {
        instances.findLive(projectId, instanceId).ifPresent(row -> {
            if (InstanceStatus.of(Task.valueOf(row.getTask()), Health.valueOf(row.getHealth())) != InstanceStatus.ACTIVE) {
                throw DefaultAccountService.notReady(instanceId);
            }
        });
        return locks.holding(instanceId, LOCK_WAIT, operation, () -> DefaultAccountService.notReady(instanceId));
    }

    private void locked(String projectId, String instanceId, Runnable operation) {
        locked(projectId, instanceId, () -> {
            operation.run();
            return null;
        });
    }

    @Override
    public List<DatabaseSpec> listDatabases(String projectId, String instanceId) {
        return locked(projectId, instanceId, () -> delegate.listDatabases(projectId, instanceId));
    }

    @Override
    public void createDatabases(String projectId, String instanceId, List<DatabaseSpec> databases) {
        locked(projectId, instanceId, () -> delegate.createDatabases(projectId, instanceId, databases));
    }

    @Override
    public void deleteDatabase(String projectId, String instanceId, String name) {
        locked(projectId, instanceId, () -> delegate.deleteDatabase(projectId, instanceId, name));
    }

    @Override
    public List<User> listUsers(String projectId, String instanceId) {
        return locked(projectId, instanceId, () -> delegate.listUsers(projectId, instanceId));
    }

    @Override
    public User getUser(String projectId, String instanceId, String name, String host) {
        return locked(projectId, instanceId, () -> delegate.getUser(projectId, instanceId, name, host));
    }

    @Override
    public void createUsers(String projectId, String instanceId, List<UserSpec> users) {
        locked(projectId, instanceId, () -> delegate.createUsers(projectId, instanceId, users));
    }

    @Override
    public void deleteUser(String projectId, String instanceId, String name, String host) {
        locked(projectId, instanceId, () -> delegate.deleteUser(projectId, instanceId, name, host));
    }

    @Override
    public void updateUser(String projectId, String instanceId, String name, String host, UserUpdate update) {
        locked(projectId, instanceId, () -> delegate.updateUser(projectId, instanceId, name, host, update));
    }

    @Override
    public void changePasswords(String projectId, String instanceId, List<PasswordChange> changes) {
        locked(projectId, instanceId, () -> delegate.changePasswords(projectId, instanceId, changes));
    }

    @Override
    public List<String> listAccess(String projectId, String instanceId, String name, String host) {
        return locked(projectId, instanceId, () -> delegate.listAccess(projectId, instanceId, name, host));
    }

    @Override
    public void grantAccess(String projectId, String instanceId, String name, String host, List<String> databases) {
        locked(projectId, instanceId, () -> delegate.grantAccess(projectId, instanceId, name, host, databases));
    }

    @Override
    public void revokeAccess(String projectId, String instanceId, String name, String host, String database) {
        locked(projectId, instanceId, () -> delegate.revokeAccess(projectId, instanceId, name, host, database));
    }

    @Override
    public boolean isRootEnabled(String projectId, String instanceId) {
        return locked(projectId, instanceId, () -> delegate.isRootEnabled(projectId, instanceId));
    }

    @Override
    public Secret enableRoot(String projectId, String instanceId, Optional<Secret> password, String enabledBy) {
        return locked(projectId, instanceId, () -> delegate.enableRoot(projectId, instanceId, password, enabledBy));
    }

    @Override
    public void disableRoot(String projectId, String instanceId) {
        locked(projectId, instanceId, () -> delegate.disableRoot(projectId, instanceId));
    }

    @Override
    public List<RootEvent> rootHistory(String instanceId) {
        return delegate.rootHistory(instanceId);
    }
}
