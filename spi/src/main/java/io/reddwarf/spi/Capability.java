package io.reddwarf.spi;

/**
 * Optional behaviour a datastore may claim. The lifecycle (prepare, start, stop, status, restart,
 * destroy) is mandatory and therefore not a capability. For every capability a driver does not
 * claim, the matching operations must throw {@link NotSupportedException}.
 */
public enum Capability {
    /** {@link DatastoreInstance#databases()}: list, create and drop databases (schemas). */
    DATABASES,
    /** {@link DatastoreInstance#users()}: list, create, drop users and manage their grants. */
    USERS,
    /** {@link DatastoreInstance#root()}: enable, disable and inspect the superuser account. */
    ROOT,
    /** A {@link ConfigRenderer} exists for the datastore's versions. */
    CONFIGURATION,
    /** At least one {@link BackupStrategy} supports the datastore's versions. */
    BACKUP,
    /** A {@link ReplicationStrategy} supports the datastore's versions. */
    REPLICATION
}
