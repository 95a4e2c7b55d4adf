package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.ROOT_HISTORY;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.account.RootEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;

/** SQL for the {@code root_history} table. Times are stored as UTC. */
public final class RootHistoryRepository {
    private final DSLContext dsl;

    public RootHistoryRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    public void record(String instanceId, String enabledBy, Instant at) {
        dsl.insertInto(ROOT_HISTORY)
                .set(ROOT_HISTORY.ID, UUID.randomUUID().toString())
                .set(ROOT_HISTORY.INSTANCE_ID, instanceId)
                .set(ROOT_HISTORY.ENABLED_BY, enabledBy)
                .set(ROOT_HISTORY.ENABLED_AT, InstanceRepository.utc(at))
                .execute();
    }

    /** The instance's root enablements, oldest first. */
    public List<RootEvent> list(String instanceId) {
        return dsl.selectFrom(ROOT_HISTORY)
                .where(ROOT_HISTORY.INSTANCE_ID.eq(instanceId))
                .orderBy(ROOT_HISTORY.ENABLED_AT, ROOT_HISTORY.ID)
                .fetch(r -> new RootEvent(r.getInstanceId(), r.getEnabledBy(), InstanceRepository.instant(r.getEnabledAt())));
    }
}
