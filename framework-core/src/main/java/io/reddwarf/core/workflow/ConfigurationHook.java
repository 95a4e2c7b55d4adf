package io.reddwarf.core.workflow;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;

/**
 * What the instance workflows do for an instance's configuration group, called on workflow worker
 * threads. Implemented by the configuration service. The hook and the scheduler are what the two
 * families share: the configuration service does not know the instance workflows.
 */
public interface ConfigurationHook {

    /** Before the driver prepares the instance: write the group's values so the first start uses them. */
    default void beforePrepare(InstancesRecord row, InstanceContext context) {}

    /** The engine (re)started with the instance's configuration file; pending restart-required values are in effect. */
    default void restarted(String instanceId) {}

    /**
     * A restart failed. If a newer configuration was the cause, put back the one the engine last
     * started with, start the engine, record why on the instance and return true; return false to
     * let the restart fail as usual.
     */
    default boolean recoverRestart(InstancesRecord row, InstanceContext context, DatastoreInstance instance,
            RuntimeException failure) {
        return false;
    }

    /** Called by the health loop for an idle instance: make sure a pending apply is scheduled. */
    default void ensureScheduled(InstancesRecord row) {}
}
