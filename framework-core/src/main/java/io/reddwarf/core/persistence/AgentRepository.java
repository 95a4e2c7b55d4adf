package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.AGENTS;
import static io.reddwarf.core.db.Tables.AGENT_COMMANDS;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.AgentCommandsRecord;
import io.reddwarf.core.db.tables.records.AgentsRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** SQL for the {@code agents} and {@code agent_commands} tables. Times are stored as UTC. */
public final class AgentRepository {
    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";

    private final DSLContext dsl;

    public AgentRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    public void insert(String id, String name, String serial, Instant at) {
        dsl.insertInto(AGENTS).set(AGENTS.ID, id).set(AGENTS.NAME, name).set(AGENTS.CERTIFICATE_SERIAL, serial)
                .set(AGENTS.CREATED_AT, InstanceRepository.utc(at)).execute();
    }

    public Optional<AgentsRecord> find(String id) {
        return dsl.selectFrom(AGENTS).where(AGENTS.ID.eq(id)).fetchOptional();
    }

    public Optional<AgentsRecord> findByName(String name) {
        return dsl.selectFrom(AGENTS).where(AGENTS.NAME.eq(name)).fetchOptional();
    }

    public List<AgentsRecord> list() {
        return dsl.selectFrom(AGENTS).orderBy(AGENTS.CREATED_AT, AGENTS.ID).fetch();
    }

    public boolean revoke(String id, Instant at) {
        return dsl.update(AGENTS).set(AGENTS.REVOKED_AT, InstanceRepository.utc(at))
                .where(AGENTS.ID.eq(id), AGENTS.REVOKED_AT.isNull()).execute() == 1;
    }

    public void heartbeat(String id, String version, Instant at) {
        dsl.update(AGENTS).set(AGENTS.LAST_HEARTBEAT_AT, InstanceRepository.utc(at)).set(AGENTS.AGENT_VERSION, version)
                .where(AGENTS.ID.eq(id)).execute();
    }

    public void insertCommand(String id, String agentId, String instanceId, String operation, String arguments, Instant at) {
        dsl.insertInto(AGENT_COMMANDS).set(AGENT_COMMANDS.ID, id).set(AGENT_COMMANDS.AGENT_ID, agentId)
                .set(AGENT_COMMANDS.INSTANCE_ID, instanceId).set(AGENT_COMMANDS.OPERATION, operation)
                .set(AGENT_COMMANDS.ARGUMENTS, arguments).set(AGENT_COMMANDS.STATE, PENDING)
                .set(AGENT_COMMANDS.CREATED_AT, InstanceRepository.utc(at))
                .set(AGENT_COMMANDS.QUEUED_AT, InstanceRepository.utc(at)).execute();
    }

    /**
     * The agent's commands without a result that {@code session} has not taken yet, oldest first,
     * marked as delivered to it now.
     */
    public List<AgentCommandsRecord> deliver(String agentId, String session, int limit, Instant at) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            List<AgentCommandsRecord> pending = tx.selectFrom(AGENT_COMMANDS)
                    .where(AGENT_COMMANDS.AGENT_ID.eq(agentId), AGENT_COMMANDS.STATE.eq(PENDING),
                            AGENT_COMMANDS.DELIVERED_TO.isNull().or(AGENT_COMMANDS.DELIVERED_TO.ne(session)))
                    .orderBy(AGENT_COMMANDS.QUEUED_AT, AGENT_COMMANDS.CREATED_AT, AGENT_COMMANDS.ID).limit(limit).fetch();
            if (!pending.isEmpty()) {
                tx.update(AGENT_COMMANDS).set(AGENT_COMMANDS.DELIVERED_AT, InstanceRepository.utc(at))
                        .set(AGENT_COMMANDS.DELIVERED_TO, session)
                        .where(AGENT_COMMANDS.ID.in(pending.stream().map(AgentCommandsRecord::getId).toList())).execute();
            }
            return pending;
        });
    }

    /** Forgets commands whose result was recorded before {@code before}; answers how many. */
    public int forgetDone(Instant before) {
        return dsl.deleteFrom(AGENT_COMMANDS).where(AGENT_COMMANDS.STATE.eq(DONE),
                AGENT_COMMANDS.COMPLETED_AT.lt(InstanceRepository.utc(before))).execute();
    }

    /** Gives up on a command nobody waits for any more: it is recorded as done with {@code result}. */
    public boolean abandon(String commandId, String result, Instant at) {
        return dsl.update(AGENT_COMMANDS).set(AGENT_COMMANDS.STATE, DONE).set(AGENT_COMMANDS.RESULT, result)
                .set(AGENT_COMMANDS.COMPLETED_AT, InstanceRepository.utc(at))
                .where(AGENT_COMMANDS.ID.eq(commandId), AGENT_COMMANDS.STATE.eq(PENDING)).execute() == 1;
    }

    public Optional<AgentCommandsRecord> findCommand(String id) {
        return dsl.selectFrom(AGENT_COMMANDS).where(AGENT_COMMANDS.ID.eq(id)).fetchOptional();
    }

    /**
     * Records the result of the agent's own command; true when it is recorded now or was before
     * (a repeated report), false when the command is not this agent's.
     */
    public boolean complete(String agentId, String commandId, String result, Instant at) {
        int updated = dsl.update(AGENT_COMMANDS).set(AGENT_COMMANDS.STATE, DONE).set(AGENT_COMMANDS.RESULT, result)
                .set(AGENT_COMMANDS.COMPLETED_AT, InstanceRepository.utc(at))
                .where(AGENT_COMMANDS.ID.eq(commandId), AGENT_COMMANDS.AGENT_ID.eq(agentId), AGENT_COMMANDS.STATE.eq(PENDING))
                .execute();
        return updated == 1 || dsl.fetchExists(AGENT_COMMANDS, AGENT_COMMANDS.ID.eq(commandId),
                AGENT_COMMANDS.AGENT_ID.eq(agentId), AGENT_COMMANDS.STATE.eq(DONE));
    }
}
