package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.BACKUPS;
import static io.reddwarf.core.db.Tables.INSTANCES;
import static io.reddwarf.core.persistence.InstanceRepository.utc;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.BackupsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.jooq.Condition;
import org.jooq.DSLContext;

/** SQL for the {@code backups} table. Times are stored as UTC. */
public final class BackupRepository {
    private final DSLContext dsl;

    public BackupRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    public void insert(BackupsRecord row) {
        dsl.executeInsert(row);
    }

    /**
     * Records a new backup in one transaction that locks its project: moves the instance's task
     * from NONE to BACKUP, hands {@code quotaCheck} the number of backups the project holds (see
     * {@link #countHeld}) and inserts the row. Concurrent creates of one project therefore count
     * each other's rows. When the check throws nothing is changed.
     *
     * @return false, with nothing changed, when the instance's task was not NONE
     */
    public boolean insertChecked(BackupsRecord row, LongConsumer quotaCheck) {
        InstanceRepository.ensureProjectLock(dsl, row.getProjectId());
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            InstanceRepository.lockProject(tx, row.getProjectId());
            boolean claimed = tx.update(INSTANCES).set(INSTANCES.TASK, "BACKUP")
                    .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                    .where(INSTANCES.ID.eq(row.getInstanceId()), INSTANCES.TASK.eq("NONE"), INSTANCES.DELETED.isFalse())
                    .execute() == 1;
            if (!claimed) {
                return false;
            }
            quotaCheck.accept(countHeld(tx, row.getProjectId()));
            tx.executeInsert(row);
            return true;
        });
    }

    /**
     * How many backups the project holds against its quota: those not deleted, except FAILED ones.
     * A failed backup keeps its row only to show why it failed; its object was removed when it
     * failed, so it occupies no space in the store and must not stop the next attempt.
     */
    public long countHeld(String projectId) {
        return countHeld(dsl, projectId);
    }

    private static long countHeld(DSLContext dsl, String projectId) {
        return dsl.fetchCount(BACKUPS, BACKUPS.PROJECT_ID.eq(projectId), BACKUPS.DELETED.isFalse(),
                BACKUPS.STATE.ne("FAILED"));
    }

    public Optional<BackupsRecord> find(String id) {
        return dsl.selectFrom(BACKUPS).where(BACKUPS.ID.eq(id)).fetchOptional();
    }

    public Optional<BackupsRecord> findLive(String projectId, String id) {
        return dsl.selectFrom(BACKUPS)
                .where(BACKUPS.ID.eq(id), BACKUPS.PROJECT_ID.eq(projectId), BACKUPS.DELETED.isFalse())
                .fetchOptional();
    }

    /** The project's backups that are not deleted, oldest first, optionally of one instance or datastore. */
    public List<BackupsRecord> listLive(String projectId, Optional<String> instanceId, Optional<String> datastore) {
        Condition where = BACKUPS.PROJECT_ID.eq(projectId).and(BACKUPS.DELETED.isFalse());
        if (instanceId.isPresent()) {
            where = where.and(BACKUPS.INSTANCE_ID.eq(instanceId.get()));
        }
        if (datastore.isPresent()) {
            where = where.and(BACKUPS.DATASTORE_TYPE.eq(datastore.get()));
        }
        return dsl.selectFrom(BACKUPS).where(where).orderBy(BACKUPS.CREATED_AT, BACKUPS.ID).fetch();
    }

    /** Live backups whose parent is {@code id}. */
    public List<BackupsRecord> children(String id) {
        return dsl.selectFrom(BACKUPS).where(BACKUPS.PARENT_ID.eq(id), BACKUPS.DELETED.isFalse()).fetch();
    }

    /** Live backups of the instance that are still running (not COMPLETED or FAILED). */
    public List<BackupsRecord> running(String instanceId) {
        return dsl.selectFrom(BACKUPS)
                .where(BACKUPS.INSTANCE_ID.eq(instanceId), BACKUPS.DELETED.isFalse(),
                        BACKUPS.STATE.notIn("COMPLETED", "FAILED"))
                .fetch();
    }

    /** Moves the backup to {@code next} only if it is in {@code expected}; returns whether it moved. */
    public boolean transition(String id, String expected, String next) {
        return dsl.update(BACKUPS).set(BACKUPS.STATE, next).set(BACKUPS.UPDATED_AT, utc(Instant.now()))
                .where(BACKUPS.ID.eq(id), BACKUPS.STATE.eq(expected)).execute() == 1;
    }

    public void setState(String id, String state) {
        dsl.update(BACKUPS).set(BACKUPS.STATE, state).set(BACKUPS.UPDATED_AT, utc(Instant.now()))
                .where(BACKUPS.ID.eq(id)).execute();
    }

    public void setProgress(String id, long bytes) {
        dsl.update(BACKUPS).set(BACKUPS.PROGRESS_BYTES, bytes).where(BACKUPS.ID.eq(id)).execute();
    }

    public void markCompleted(String id, String objectKey, long size, long rawSize, String checksum, String keyId,
            String wrappedKey, String metadata) {
        dsl.update(BACKUPS)
                .set(BACKUPS.STATE, "COMPLETED")
                .set(BACKUPS.OBJECT_KEY, objectKey)
                .set(BACKUPS.SIZE_BYTES, size)
                .set(BACKUPS.PROGRESS_BYTES, rawSize)
                .set(BACKUPS.CHECKSUM, checksum)
                .set(BACKUPS.KEY_ID, keyId)
                .set(BACKUPS.WRAPPED_KEY, wrappedKey)
                .set(BACKUPS.METADATA, metadata)
                .set(BACKUPS.UPDATED_AT, utc(Instant.now()))
                .where(BACKUPS.ID.eq(id))
                .execute();
    }

    public void markFailed(String id, String reason) {
        dsl.update(BACKUPS)
                .set(BACKUPS.STATE, "FAILED")
                .set(BACKUPS.FAIL_REASON, reason.length() > 1000 ? reason.substring(0, 1000) : reason)
                .set(BACKUPS.UPDATED_AT, utc(Instant.now()))
                .where(BACKUPS.ID.eq(id))
                .execute();
    }

    public void markDeleted(String id) {
        Instant now = Instant.now();
        dsl.update(BACKUPS).set(BACKUPS.DELETED, true).set(BACKUPS.DELETED_AT, utc(now))
                .set(BACKUPS.UPDATED_AT, utc(now)).where(BACKUPS.ID.eq(id)).execute();
    }
}
