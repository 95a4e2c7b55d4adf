package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A request to back up an instance.
 *
 * @param parentId    the backup this one is incremental to
 * @param incremental incremental to the instance's latest completed backup (when no parent is named)
 */
public record CreateBackupRequest(String name, String instanceId, Optional<String> description,
        Optional<String> parentId, boolean incremental) {
    public CreateBackupRequest {
        requireNonNull(name, "name is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(description, "description is null");
        requireNonNull(parentId, "parentId is null");
    }
}
