package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.BACKUP_STRATEGIES;
import static io.reddwarf.core.persistence.InstanceRepository.utc;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.BackupStrategiesRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/** SQL for the {@code backup_strategies} table; a project's own row has the instance id {@code ""}. */
public final class BackupStrategyRepository {
    public static final String PROJECT_WIDE = "";
    private final DSLContext dsl;

    public BackupStrategyRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    /**
     * Inserts or replaces the row of the project (or of one of its instances). Of two concurrent
     * first puts, the one that loses the insert tries again and replaces the winner's row.
     */
    public BackupStrategiesRecord put(String projectId, String instanceId, String container, String strategy) {
        try {
            return putOnce(projectId, instanceId, container, strategy);
        } catch (IntegrityConstraintViolationException e) {
            return putOnce(projectId, instanceId, container, strategy);
        }
    }

    private BackupStrategiesRecord putOnce(String projectId, String instanceId, String container, String strategy) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            Instant now = Instant.now();
            Optional<BackupStrategiesRecord> existing = tx.selectFrom(BACKUP_STRATEGIES)
                    .where(key(projectId, instanceId)).forUpdate().fetchOptional();
            BackupStrategiesRecord row = existing.orElseGet(() -> {
                BackupStrategiesRecord r = tx.newRecord(BACKUP_STRATEGIES);
                r.setProjectId(projectId);
                r.setInstanceId(instanceId);
                r.setCreatedAt(utc(now));
                return r;
            });
            row.setContainer(container);
            row.setStrategy(strategy);
            row.setUpdatedAt(utc(now));
            row.store();
            return row;
        });
    }

    public Optional<BackupStrategiesRecord> find(String projectId, String instanceId) {
        return dsl.selectFrom(BACKUP_STRATEGIES).where(key(projectId, instanceId)).fetchOptional();
    }

    /** Rows of the project, optionally only the one of an instance; the project's own row first. */
    public List<BackupStrategiesRecord> list(String projectId, Optional<String> instanceId) {
        Condition where = BACKUP_STRATEGIES.PROJECT_ID.eq(projectId);
        if (instanceId.isPresent()) {
            where = where.and(BACKUP_STRATEGIES.INSTANCE_ID.eq(instanceId.get()));
        }
        return dsl.selectFrom(BACKUP_STRATEGIES).where(where).orderBy(BACKUP_STRATEGIES.INSTANCE_ID).fetch();
    }

    /** Deletes the row; returns whether there was one. */
    public boolean delete(String projectId, String instanceId) {
        return dsl.deleteFrom(BACKUP_STRATEGIES).where(key(projectId, instanceId)).execute() == 1;
    }

    private static Condition key(String projectId, String instanceId) {
        return BACKUP_STRATEGIES.PROJECT_ID.eq(projectId).and(BACKUP_STRATEGIES.INSTANCE_ID.eq(instanceId));
    }
}
