package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where and how backups of a project, or of one of its instances, are taken.
 *
 * @param instanceId empty for the project's own setting, which applies to every instance without one
 * @param container  the top-level directory of the backup store the backups are written to
 * @param strategy   the backup tool, instead of the deployer's default
 */
public record BackupStrategySetting(String projectId, Optional<String> instanceId, Optional<String> container,
        Optional<String> strategy) {
    public BackupStrategySetting {
        requireNonNull(projectId, "projectId is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(container, "container is null");
        requireNonNull(strategy, "strategy is null");
    }
}
