package io.reddwarf.core.backup;

import java.util.List;
import java.util.Optional;

/**
 * Backups of a project. Another project's backup or instance is treated exactly like a missing one.
 */
public interface BackupService {

    /**
     * Records the backup (NEW), sets the instance to BACKUP and hands the work to a durable
     * workflow. Returns at once.
     *
     * @throws io.reddwarf.core.ReddwarfException 404 for an unknown instance or parent, 422 if the
     *         instance is not ACTIVE or the parent cannot be used, 400 for invalid input
     */
    BackupView create(String projectId, CreateBackupRequest request);

    /** The project's backups, oldest first, optionally of one instance or datastore type. */
    List<BackupView> list(String projectId, Optional<String> instanceId, Optional<String> datastore);

    /** The backups of one instance of the project; 404 if there is no such instance. */
    List<BackupView> listOfInstance(String projectId, String instanceId);

    /** When the project's backup {@code backupId} was created, also once it is deleted; empty when it is not the project's. */
    Optional<java.time.Instant> createdAt(String projectId, String backupId);

    /** @throws io.reddwarf.core.ReddwarfException 404 if missing, deleted or another project's */
    BackupView get(String projectId, String backupId);

    /**
     * Deletes the backup, its incremental descendants and their stored objects. 422 while the
     * backup or a descendant is still running.
     */
    void delete(String projectId, String backupId);
}
