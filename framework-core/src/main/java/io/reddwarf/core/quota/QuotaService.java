package io.reddwarf.core.quota;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import java.util.List;
import java.util.Map;

/**
 * Per-project quotas for instances, volume GB, backups and RAM (MB). Usage is derived from the
 * project's live instances and the backups it holds, so deleting one releases its share at once
 * and a create that fails before its row is committed never holds any.
 */
public interface QuotaService {

    /** Every resource with its usage and limit. */
    List<QuotaUsage> show(String projectId);

    /**
     * Sets limits (-1 for unlimited); returns the project's limits after the change.
     *
     * @throws io.reddwarf.core.ReddwarfException 400 for an unknown resource or a limit below -1
     */
    Map<QuotaResource, Integer> update(String projectId, Map<String, Integer> limits);

    /**
     * Checks that the project's {@code live} instances plus the additions stay within its limits.
     * Called inside the transaction that holds the project's lock and records the additions.
     *
     * @throws io.reddwarf.core.ReddwarfException 413 {@code Quota exceeded for resources: [...]}
     */
    void check(String projectId, List<InstancesRecord> live, int instances, int volumeGb, int ramMb);

    /**
     * Checks that one more backup stays within the project's backups limit, given the {@code held}
     * backups counted inside the transaction that holds the project's lock and records the backup.
     *
     * @throws io.reddwarf.core.ReddwarfException 413 {@code Quota exceeded for resources: ['backups'].}
     */
    void checkBackup(String projectId, long held);
}
