package io.reddwarf.core.account;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import io.reddwarf.spi.UserSpec;
import java.util.List;
import java.util.Optional;

/**
 * Databases, users and the superuser inside a project's instances. Every method takes the caller's
 * project and answers 404 for another project's instance exactly as for a missing one, and 422
 * ({@code Instance <id> is not ready.}) unless the instance is ACTIVE. Work happens on the engine
 * before the method returns. Names the datastore refuses are 400 with the driver's message; an
 * operation the datastore does not offer is 501.
 */
public interface AccountService {

    /** User databases, sorted by name. */
    List<DatabaseSpec> listDatabases(String projectId, String instanceId);

    /** Creates databases; 400 if one exists already, or a character set or collation is unknown. */
    void createDatabases(String projectId, String instanceId, List<DatabaseSpec> databases);

    /** Drops a database; 404 if it does not exist. */
    void deleteDatabase(String projectId, String instanceId, String name);

    /** Users sorted by name then host, with their databases. */
    List<User> listUsers(String projectId, String instanceId);

    /** One user; 404 if the account does not exist. */
    User getUser(String projectId, String instanceId, String name, String host);

    /** Creates users with access to their (existing) databases; 400 if one exists already. */
    void createUsers(String projectId, String instanceId, List<UserSpec> users);

    /** Drops an account; 404 if it does not exist. */
    void deleteUser(String projectId, String instanceId, String name, String host);

    /** Renames, moves or re-keys an account in one change; 400 if the new account exists already. */
    void updateUser(String projectId, String instanceId, String name, String host, UserUpdate update);

    /** Sets passwords; nothing changes unless every account exists. */
    void changePasswords(String projectId, String instanceId, List<PasswordChange> changes);

    /** The databases the user may access. */
    List<String> listAccess(String projectId, String instanceId, String name, String host);

    /** Gives the user access to existing databases. */
    void grantAccess(String projectId, String instanceId, String name, String host, List<String> databases);

    /** Takes access to a database away; 404 for an unknown database. */
    void revokeAccess(String projectId, String instanceId, String name, String host, String database);

    /** Whether the superuser may log in over the network. */
    boolean isRootEnabled(String projectId, String instanceId);

    /**
     * Enables network login as the superuser with the given or a generated password, returns the
     * password and records who enabled it ({@code enabledBy}, the caller's project) and when.
     */
    Secret enableRoot(String projectId, String instanceId, Optional<Secret> password, String enabledBy);

    /** Disables network login as the superuser. */
    void disableRoot(String projectId, String instanceId);

    /** Who enabled the superuser of any project's instance and when, oldest first (administrators only). */
    List<RootEvent> rootHistory(String instanceId);
}
