package io.reddwarf.core.account;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.RootHistoryRepository;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.core.workflow.InstanceWorkflows;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import io.reddwarf.spi.UserSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules for databases, users and root: the instance must be the caller's and ACTIVE, names pass
 * the driver's rules ({@link Datastore#validate}) before the engine is asked, and existence is
 * checked here so that a missing database or account is a 404 and a duplicate a 400.
 */
public final class DefaultAccountService implements AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultAccountService.class);
    /** A placeholder password for checking names of accounts through {@link Datastore#validate}. */
    private static final Secret NO_PASSWORD = new Secret("-");

    private final InstanceRepository instances;
    private final RootHistoryRepository rootHistory;
    private final DriverRegistry drivers;
    private final InstanceWorkflows workflows;

    public DefaultAccountService(InstanceRepository instances, RootHistoryRepository rootHistory,
            DriverRegistry drivers, InstanceWorkflows workflows) {
        this.instances = requireNonNull(instances, "instances is null");
        this.rootHistory = requireNonNull(rootHistory, "rootHistory is null");
        this.drivers = requireNonNull(drivers, "drivers is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
    }

    @Override
    public List<DatabaseSpec> listDatabases(String projectId, String instanceId) {
        return ready(projectId, instanceId).engine.databases().list();
    }

    @Override
    public void createDatabases(String projectId, String instanceId, List<DatabaseSpec> databases) {
        Ready ready = ready(projectId, instanceId);
        if (databases.isEmpty()) {
            throw ReddwarfException.badRequest("At least one database is required.");
        }
        Set<String> names = new HashSet<>();
        for (DatabaseSpec database : databases) {
            if (!names.add(database.name())) {
                throw ReddwarfException.badRequest("Two or more databases share the name " + database.name() + ".");
            }
        }
        ready.validate(new PrepareRequest(databases, List.of()));
        List<DatabaseSpec> existing = ready.engine.databases().list();
        for (DatabaseSpec database : databases) {
            if (existing.stream().anyMatch(d -> d.name().equals(database.name()))) {
                throw ReddwarfException.badRequest("A database with the name " + database.name() + " already exists.");
            }
        }
        ready.engine.databases().create(databases);
        LOG.info("Created databases {} on instance {}", names, instanceId);
    }

    @Override
    public void deleteDatabase(String projectId, String instanceId, String name) {
        Ready ready = ready(projectId, instanceId);
        ready.validateDatabase(name);
        requireDatabase(ready, name);
        ready.engine.databases().drop(name);
        LOG.info("Dropped database {} on instance {}", name, instanceId);
    }

    @Override
    public List<User> listUsers(String projectId, String instanceId) {
        return ready(projectId, instanceId).engine.users().list();
    }

    @Override
    public User getUser(String projectId, String instanceId, String name, String host) {
        Ready ready = ready(projectId, instanceId);
        ready.validateUser(name, host);
        return requireUser(ready, name, host);
    }

    @Override
    public void createUsers(String projectId, String instanceId, List<UserSpec> users) {
        Ready ready = ready(projectId, instanceId);
        if (users.isEmpty()) {
            throw ReddwarfException.badRequest("At least one user is required.");
        }
        Set<String> accounts = new HashSet<>();
        for (UserSpec user : users) {
            if (!accounts.add(user.name() + "@" + user.host())) {
                throw ReddwarfException.badRequest(
                        "Two or more users share the name " + user.name() + " and host " + user.host() + ".");
            }
        }
        ready.validate(new PrepareRequest(List.of(), users));
        List<User> existing = ready.engine.users().list();
        for (UserSpec user : users) {
            if (find(existing, user.name(), user.host()).isPresent()) {
                throw userExists(user.name(), user.host());
            }
            for (String database : user.databases()) {
                requireDatabase(ready, database);
            }
        }
        ready.engine.users().create(users);
        LOG.info("Created users {} on instance {}", accounts, instanceId);
    }

    @Override
    public void deleteUser(String projectId, String instanceId, String name, String host) {
        Ready ready = ready(projectId, instanceId);
        ready.validateUser(name, host);
        requireUser(ready, name, host);
        ready.engine.users().drop(name, host);
        LOG.info("Dropped user {}@{} on instance {}", name, host, instanceId);
    }

    @Override
    public void updateUser(String projectId, String instanceId, String name, String host, UserUpdate update) {
        Ready ready = ready(projectId, instanceId);
        ready.validateUser(name, host);
        String newName = update.name().orElse(name);
        String newHost = update.host().orElse(host);
        ready.validateUser(newName, newHost);
        List<User> existing = ready.engine.users().list();
        if (find(existing, name, host).isEmpty()) {
            throw userNotFound(name, host);
        }
        if (!(newName.equals(name) && newHost.equals(host)) && find(existing, newName, newHost).isPresent()) {
            throw userExists(newName, newHost);
        }
        ready.engine.users().update(name, host, update);
        LOG.info("Updated user {}@{} on instance {}", name, host, instanceId);
    }

    @Override
    public void changePasswords(String projectId, String instanceId, List<PasswordChange> changes) {
        Ready ready = ready(projectId, instanceId);
        if (changes.isEmpty()) {
            throw ReddwarfException.badRequest("At least one user is required.");
        }
        List<User> existing = ready.engine.users().list();
        for (PasswordChange change : changes) {
            ready.validateUser(change.name(), change.host());
            if (find(existing, change.name(), change.host()).isEmpty()) {
                throw userNotFound(change.name(), change.host());
            }
        }
        ready.engine.users().changePasswords(changes);
    }

    @Override
    public List<String> listAccess(String projectId, String instanceId, String name, String host) {
        return getUser(projectId, instanceId, name, host).databases();
    }

    @Override
    public void grantAccess(String projectId, String instanceId, String name, String host, List<String> databases) {
        Ready ready = ready(projectId, instanceId);
        ready.validateUser(name, host);
        if (databases.isEmpty()) {
            throw ReddwarfException.badRequest("At least one database is required.");
        }
        databases.forEach(ready::validateDatabase);
        requireUser(ready, name, host);
        List<DatabaseSpec> existing = ready.engine.databases().list();
        for (String database : databases) {
            if (existing.stream().noneMatch(d -> d.name().equals(database))) {
                throw databaseNotFound(database);
            }
        }
        ready.engine.users().grant(name, host, databases);
        LOG.info("Granted {}@{} access to {} on instance {}", name, host, databases, instanceId);
    }

    @Override
    public void revokeAccess(String projectId, String instanceId, String name, String host, String database) {
        Ready ready = ready(projectId, instanceId);
        ready.validateUser(name, host);
        ready.validateDatabase(database);
        User user = requireUser(ready, name, host);
        requireDatabase(ready, database);
        if (user.databases().contains(database)) {
            ready.engine.users().revoke(name, host, database);
            LOG.info("Revoked access of {}@{} to {} on instance {}", name, host, database, instanceId);
        }
    }

    @Override
    public boolean isRootEnabled(String projectId, String instanceId) {
        return ready(projectId, instanceId).engine.root().isEnabled();
    }

    @Override
    public Secret enableRoot(String projectId, String instanceId, Optional<Secret> password, String enabledBy) {
        Ready ready = ready(projectId, instanceId);
        Secret secret = ready.engine.root().enable(password);
        rootHistory.record(instanceId, enabledBy, Instant.now());
        LOG.info("Root enabled on instance {} by project {}", instanceId, enabledBy);
        return secret;
    }

    @Override
    public void disableRoot(String projectId, String instanceId) {
        ready(projectId, instanceId).engine.root().disable();
        LOG.info("Root disabled on instance {}", instanceId);
    }

    @Override
    public List<RootEvent> rootHistory(String instanceId) {
        InstancesRecord row = instances.find(instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
        return rootHistory.list(row.getId());
    }

    /** The caller's ACTIVE instance with its driver and engine handle. */
    private Ready ready(String projectId, String instanceId) {
        InstancesRecord row = instances.findLive(projectId, instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
        InstanceStatus status = InstanceStatus.of(row);
        Optional<Datastore> driver = drivers.driver(row.getDatastoreType());
        Optional<DatastoreInstance> engine = workflows.open(row);
        if (!status.acceptsRequests() || driver.isEmpty() || engine.isEmpty()) {
            throw notReady(instanceId);
        }
        return new Ready(driver.get(), engine.get());
    }

    /** The refusal of an operation on an instance that is not ACTIVE or whose engine does not answer. */
    static ReddwarfException notReady(String instanceId) {
        return ReddwarfException.unprocessable("Instance " + instanceId + " is not ready.");
    }

    private static User requireUser(Ready ready, String name, String host) {
        return find(ready.engine.users().list(), name, host).orElseThrow(() -> userNotFound(name, host));
    }

    private static void requireDatabase(Ready ready, String name) {
        if (ready.engine.databases().list().stream().noneMatch(d -> d.name().equals(name))) {
            throw databaseNotFound(name);
        }
    }

    private static Optional<User> find(List<User> users, String name, String host) {
        return users.stream().filter(u -> u.name().equals(name) && u.host().equals(host)).findFirst();
    }

    private static ReddwarfException userNotFound(String name, String host) {
        return ReddwarfException.notFound("User " + name + "@" + host + " cannot be found on the instance.");
    }

    private static ReddwarfException userExists(String name, String host) {
        return ReddwarfException.badRequest("A user with the name " + name + "@" + host + " already exists.");
    }

    private static ReddwarfException databaseNotFound(String name) {
        return ReddwarfException.notFound("Database " + name + " cannot be found on the instance.");
    }

    private record Ready(Datastore driver, DatastoreInstance engine) {
        void validate(PrepareRequest request) {
            driver.validate(request);
        }

        void validateDatabase(String name) {
            driver.validate(new PrepareRequest(List.of(DatabaseSpec.named(name)), List.of()));
        }

        void validateUser(String name, String host) {
            driver.validate(new PrepareRequest(List.of(), List.of(new UserSpec(name, host, NO_PASSWORD, List.of()))));
        }
    }
}
