package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Asynchronous replication between instances of one datastore, listed in
 * {@code META-INF/services/io.reddwarf.spi.ReplicationStrategy}. Every method is called on a workflow
 * thread with the instance's engine running.
 */
public interface ReplicationStrategy {
    /** A stable lowercase name, e.g. {@code "mariadb-gtid"}. */
    String name();

    /** Whether this strategy can replicate this datastore type and version. */
    boolean supports(String datastoreType, DatastoreVersion version);

    /** Prepares the source: replication account, binary log position; returns what a replica needs. */
    ReplicationSource snapshotForReplica(InstanceContext source);

    /** Points a replica, restored from the source's backup, at the source and starts replicating. */
    void attachReplica(InstanceContext replica, ReplicationSource source);

    /** Makes a replica writable and stops it replicating. */
    void promote(InstanceContext replica);

    /** Makes a former source read-only so it can follow the new source. */
    void demote(InstanceContext former);

    /** Stops replication on a replica and forgets its source; the replica keeps its data. */
    void detach(InstanceContext replica);

    /** What a replica needs to follow a source; {@code properties} may hold positions and a secret's key. */
    record ReplicationSource(Endpoint endpoint, Map<String, String> properties) {
        public ReplicationSource {
            requireNonNull(endpoint, "endpoint is null");
            properties = Map.copyOf(requireNonNull(properties, "properties is null"));
        }
    }
}
