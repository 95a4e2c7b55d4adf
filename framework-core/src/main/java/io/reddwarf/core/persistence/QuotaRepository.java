package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.QUOTAS;
import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record2;

/** SQL for the {@code quotas} table. */
public final class QuotaRepository {
    private final DSLContext dsl;

    public QuotaRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    /** The limits set for the project, by resource name. */
    public Map<String, Integer> limits(String projectId) {
        return dsl.select(QUOTAS.RESOURCE, QUOTAS.HARD_LIMIT).from(QUOTAS).where(QUOTAS.PROJECT_ID.eq(projectId))
                .fetchMap(Record2::value1, Record2::value2);
    }

    /** Sets the limits in one transaction. */
    public void set(String projectId, Map<String, Integer> limits) {
        dsl.transaction(cfg -> {
            DSLContext tx = cfg.dsl();
            for (Map.Entry<String, Integer> limit : limits.entrySet()) {
                tx.deleteFrom(QUOTAS).where(QUOTAS.PROJECT_ID.eq(projectId), QUOTAS.RESOURCE.eq(limit.getKey()))
                        .execute();
                tx.insertInto(QUOTAS).set(QUOTAS.PROJECT_ID, projectId).set(QUOTAS.RESOURCE, limit.getKey())
                        .set(QUOTAS.HARD_LIMIT, limit.getValue()).execute();
            }
        });
    }
}
