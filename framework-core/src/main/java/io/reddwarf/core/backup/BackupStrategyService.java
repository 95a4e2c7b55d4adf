package io.reddwarf.core.backup;

import java.util.List;
import java.util.Optional;

/**
 * The backup strategy settings of projects and instances ({@code /backup_strategies}). A backup
 * takes its container and its tool from the instance's setting, else the project's; the tool then
 * from the deployer's {@code backup.strategy.<datastore>.<version>}, else the built-in choice.
 */
public interface BackupStrategyService {

    /**
     * Sets (or replaces) the setting of the project, or of one of its instances.
     *
     * @throws io.reddwarf.core.ReddwarfException 404 for an unknown instance; 400 for an invalid
     *         container name, an unknown strategy (or one the instance's datastore cannot use), or
     *         when neither a container nor a strategy is given
     */
    BackupStrategySetting put(String projectId, Optional<String> instanceId, Optional<String> container,
            Optional<String> strategy);

    /** The project's settings, its own first; optionally only the one of an instance. */
    List<BackupStrategySetting> list(String projectId, Optional<String> instanceId);

    /** @throws io.reddwarf.core.ReddwarfException 404 if there is no such setting */
    void delete(String projectId, Optional<String> instanceId);
}
