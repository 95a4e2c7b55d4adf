package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A backup as the API shows it.
 *
 * @param progressBytes bytes the tool produced so far (the whole backup once COMPLETED)
 * @param sizeBytes     bytes stored, once COMPLETED
 * @param checksum      hex SHA-256 of the stored bytes, once COMPLETED
 */
public record BackupView(
        String id,
        String projectId,
        String name,
        Optional<String> description,
        String instanceId,
        String datastoreType,
        String datastoreVersion,
        Optional<String> parentId,
        String strategy,
        BackupState state,
        long progressBytes,
        Optional<Long> sizeBytes,
        Optional<String> checksum,
        Optional<String> locationRef,
        Optional<String> failReason,
        Instant created,
        Instant updated) {

    public BackupView {
        requireNonNull(id, "id is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(datastoreType, "datastoreType is null");
        requireNonNull(datastoreVersion, "datastoreVersion is null");
        requireNonNull(parentId, "parentId is null");
        requireNonNull(strategy, "strategy is null");
        requireNonNull(state, "state is null");
        requireNonNull(sizeBytes, "sizeBytes is null");
        requireNonNull(checksum, "checksum is null");
        requireNonNull(locationRef, "locationRef is null");
        requireNonNull(failReason, "failReason is null");
        requireNonNull(created, "created is null");
        requireNonNull(updated, "updated is null");
    }
}
