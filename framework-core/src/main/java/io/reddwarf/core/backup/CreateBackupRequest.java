package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A request to back up an instance.
 *
 * @param parentId    the backup this one is incremental to
 * @param incremental incremental to the instance's latest completed backup (when no parent is named)
 * @param container   the container to write to, instead of the one of the backup strategy settings
 */
public record CreateBackupRequest(String name, String instanceId, Optional<String> description,
        Optional<String> parentId, boolean incremental, Optional<String> container) {
    public CreateBackupRequest {
        requireNonNull(container, "container is null");
        requireNonNull(name, "name is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(description, "description is null");
        requireNonNull(parentId, "parentId is null");
    }

    public CreateBackupRequest(String name, String instanceId, Optional<String> description, Optional<String> parentId,
            boolean incremental) {
        this(name, instanceId, description, parentId, incremental, Optional.empty());
    }
}
