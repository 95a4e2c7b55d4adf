package io.reddwarf.core.instance;

import io.reddwarf.core.db.tables.records.InstancesRecord;

/**
 * The status users see, derived from the control plane's task and the engine's health in one
 * place ({@link #of}): a failed task wins, then a running task, then health. Every check of
 * whether an instance takes a request goes through {@link #of(InstancesRecord)} and
 * {@link #acceptsRequests()}, so an operation is allowed or refused alike everywhere.
 */
public enum InstanceStatus {
    BUILD, ACTIVE, REBOOT, RESIZE, SHUTDOWN, ERROR, BLOCKED,
    /** Running, with configuration values that take effect only after a restart. */
    RESTART_REQUIRED,
    /** A backup of the instance is running. */
    BACKUP;

    /** What the control plane is doing to an instance. */
    public enum Task { NONE, BUILDING, RESTARTING, RESIZING, DELETING, BACKUP, FAILED }

    /**
     * What the engine last reported (or NEW before it ever ran). UNRESPONSIVE: its process exists
     * but it did not answer the health loop's probe, which only probes engines that were ready.
     */
    public enum Health { NEW, RUNNING, STARTING, UNRESPONSIVE, SHUTDOWN, CRASHED, UNKNOWN }

    /** The status of the instance in {@code row}, as the API shows it. */
    public static InstanceStatus of(InstancesRecord row) {
        return of(Task.valueOf(row.getTask()), Health.valueOf(row.getHealth()), Boolean.TRUE.equals(row.getRestartRequired()));
    }

    /**
     * Whether the instance takes requests (accounts, schemas, backups, resizes, configuration): its
     * engine runs and no task holds it. An instance waiting for a restart does; the restart a
     * resize makes applies its pending values too.
     */
    public boolean acceptsRequests() {
        return this == ACTIVE || this == RESTART_REQUIRED;
    }

    /** {@link #of(Task, Health)}, except that an ACTIVE instance waiting for a restart is RESTART_REQUIRED. */
    public static InstanceStatus of(Task task, Health health, boolean restartRequired) {
        InstanceStatus status = of(task, health);
        return status == ACTIVE && restartRequired ? RESTART_REQUIRED : status;
    }

    public static InstanceStatus of(Task task, Health health) {
        return switch (task) {
            case FAILED -> ERROR;
            case BUILDING -> BUILD;
            case RESTARTING -> REBOOT;
            case RESIZING -> RESIZE;
            case DELETING -> SHUTDOWN;
            case BACKUP -> BACKUP;
            case NONE -> switch (health) {
                case RUNNING -> ACTIVE;
                case NEW, STARTING -> BUILD;
                case SHUTDOWN -> SHUTDOWN;
                case CRASHED -> ERROR;
                case UNRESPONSIVE, UNKNOWN -> BLOCKED;
            };
        };
    }
}
