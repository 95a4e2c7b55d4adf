package io.reddwarf.core.instance;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** An instance as the API shows it. */
public record InstanceView(
        String id,
        String projectId,
        String name,
        InstanceStatus status,
        String datastoreType,
        String datastoreVersion,
        String flavorId,
        int volumeSize,
        Optional<String> host,
        Optional<Integer> port,
        Instant created,
        Instant updated,
        Optional<Fault> fault,
        Optional<String> configurationId) {

    /** An instance without a configuration group. */
    public InstanceView(String id, String projectId, String name, InstanceStatus status, String datastoreType,
            String datastoreVersion, String flavorId, int volumeSize, Optional<String> host, Optional<Integer> port,
            Instant created, Instant updated, Optional<Fault> fault) {
        this(id, projectId, name, status, datastoreType, datastoreVersion, flavorId, volumeSize, host, port, created,
                updated, fault, Optional.empty());
    }

    public InstanceView {
        requireNonNull(configurationId, "configurationId is null");
        requireNonNull(id, "id is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(datastoreType, "datastoreType is null");
        requireNonNull(datastoreVersion, "datastoreVersion is null");
        requireNonNull(flavorId, "flavorId is null");
        requireNonNull(host, "host is null");
        requireNonNull(port, "port is null");
        requireNonNull(created, "created is null");
        requireNonNull(updated, "updated is null");
        requireNonNull(fault, "fault is null");
    }

    /** Why an instance is in ERROR. */
    public record Fault(String message, Instant created) {
        public Fault {
            requireNonNull(message, "message is null");
            requireNonNull(created, "created is null");
        }
    }
}
