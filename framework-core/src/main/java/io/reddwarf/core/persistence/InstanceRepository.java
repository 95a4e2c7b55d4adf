package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.INSTANCES;
import static io.reddwarf.core.db.Tables.PROJECT_LOCKS;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/** SQL for the {@code instances} table. Times are stored as UTC. */
public final class InstanceRepository {
    private final DSLContext dsl;

    public InstanceRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    public static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * Inserts the row with the lowest free port of the range that {@code bindable} accepts. The
     * unique index on {@code port} settles races between concurrent creates: the loser retries.
     *
     * @return the port, or empty when the range is exhausted
     */
    public Optional<Integer> insertWithPort(InstancesRecord row, int portMin, int portMax, IntPredicate bindable) {
        return insertWithPort(dsl, row, portMin, portMax, bindable);
    }

    /**
     * Like {@link #insertWithPort}, in one transaction that first locks the row's project and hands
     * {@code quotaCheck} the project's live instances: when the check throws, nothing is inserted.
     * Concurrent creates of one project therefore see each other's rows.
     */
    public Optional<Integer> insertChecked(InstancesRecord row, int portMin, int portMax, IntPredicate bindable,
            Consumer<List<InstancesRecord>> quotaCheck) {
        ensureProjectLock(row.getProjectId());
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            lockProject(tx, row.getProjectId());
            quotaCheck.accept(liveOf(tx, row.getProjectId()));
            return insertWithPort(tx, row, portMin, portMax, bindable);
        });
    }

    /**
     * Sets the volume size of a live instance in one transaction that locks its project and first
     * hands {@code quotaCheck} the project's live instances; returns whether the row changed.
     */
    public boolean resizeVolumeChecked(String projectId, String id, int size, Consumer<List<InstancesRecord>> quotaCheck) {
        ensureProjectLock(projectId);
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            lockProject(tx, projectId);
            quotaCheck.accept(liveOf(tx, projectId));
            return tx.update(INSTANCES).set(INSTANCES.VOLUME_SIZE, size).set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                    .where(INSTANCES.ID.eq(id), INSTANCES.PROJECT_ID.eq(projectId), INSTANCES.DELETED.isFalse(),
                            INSTANCES.VOLUME_SIZE.lt(size))
                    .execute() == 1;
        });
    }

    /**
     * Sets a new flavor and the task RESIZING on a live instance whose task is NONE, in one
     * transaction that locks its project and first hands {@code quotaCheck} the project's live
     * instances; returns whether the row changed.
     */
    public boolean resizeFlavorChecked(String projectId, String id, String flavorId,
            Consumer<List<InstancesRecord>> quotaCheck) {
        ensureProjectLock(projectId);
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            lockProject(tx, projectId);
            quotaCheck.accept(liveOf(tx, projectId));
            return tx.update(INSTANCES).set(INSTANCES.FLAVOR_ID, flavorId).set(INSTANCES.TASK, Task.RESIZING.name())
                    .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                    .where(INSTANCES.ID.eq(id), INSTANCES.PROJECT_ID.eq(projectId), INSTANCES.DELETED.isFalse(),
                            INSTANCES.TASK.eq(Task.NONE.name()))
                    .execute() == 1;
        });
    }

    private void ensureProjectLock(String projectId) {
        ensureProjectLock(dsl, projectId);
    }

    /** Creates the project's lock row if it does not exist yet; outside any transaction. */
    static void ensureProjectLock(DSLContext dsl, String projectId) {
        if (!dsl.fetchExists(PROJECT_LOCKS, PROJECT_LOCKS.PROJECT_ID.eq(projectId))) {
            try {
                dsl.insertInto(PROJECT_LOCKS).set(PROJECT_LOCKS.PROJECT_ID, projectId).execute();
            } catch (DataAccessException e) {
                // created concurrently by another request: the row exists, which is all we need
            }
        }
    }

    /** Locks the project's row until {@code tx} ends: quota checks of one project run one at a time. */
    static void lockProject(DSLContext tx, String projectId) {
        tx.selectFrom(PROJECT_LOCKS).where(PROJECT_LOCKS.PROJECT_ID.eq(projectId)).forUpdate().fetch();
    }

    private static List<InstancesRecord> liveOf(DSLContext tx, String projectId) {
        return tx.selectFrom(INSTANCES).where(INSTANCES.PROJECT_ID.eq(projectId), INSTANCES.DELETED.isFalse()).fetch();
    }

    private static Optional<Integer> insertWithPort(DSLContext dsl, InstancesRecord row, int portMin, int portMax,
            IntPredicate bindable) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Integer> free = lowestFreePort(dsl, portMin, portMax, bindable);
            if (free.isEmpty()) {
                return Optional.empty();
            }
            int port = free.get();
            row.setPort(port);
            try {
                dsl.executeInsert(row);
                return Optional.of(port);
            } catch (IntegrityConstraintViolationException e) {
                // another create took this port between our read and insert: look again
            } catch (DataAccessException e) {
                // only a unique key: a deadlock would have rolled back the caller's whole transaction
                if (e.sqlState() == null || !e.sqlState().startsWith("23")) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("could not allocate a port after 20 attempts");
    }

    /**
     * Moves a building instance to the lowest free port of the range that {@code bindable} accepts
     * and sets its step back to NEW, for a build that starts over; its current port is released by
     * the same update. The unique index on {@code port} settles races with concurrent creates and
     * moves, as in {@link #insertWithPort}.
     *
     * @return the new port, or empty when the range has no other free port or the instance is not
     *         building any more
     */
    public Optional<Integer> movePort(String id, int portMin, int portMax, IntPredicate bindable) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Integer> free = lowestFreePort(dsl, portMin, portMax, bindable);
            if (free.isEmpty()) {
                return Optional.empty();
            }
            int port = free.get();
            try {
                int moved = dsl.update(INSTANCES)
                        .set(INSTANCES.PORT, port)
                        .set(INSTANCES.STEP, "NEW")
                        .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                        .where(INSTANCES.ID.eq(id), INSTANCES.TASK.eq(Task.BUILDING.name()),
                                INSTANCES.DELETED.isFalse())
                        .execute();
                return moved == 1 ? Optional.of(port) : Optional.empty();
            } catch (IntegrityConstraintViolationException e) {
                // another create or move took this port between our read and update: look again
            } catch (DataAccessException e) {
                if (!lostRace(e)) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("could not move instance " + id + " to another port after 20 attempts");
    }

    /**
     * Whether a statement failed only because a concurrent one got there first: a unique key it
     * took (SQLState class 23), or InnoDB chose it as a deadlock's victim while both locked the
     * port index (40001). Either way a statement run on its own (autocommit) looks again.
     */
    private static boolean lostRace(DataAccessException e) {
        String state = e.sqlState();
        return state != null && (state.startsWith("23") || state.equals("40001"));
    }

    /** The lowest port of the range that no instance holds and {@code bindable} accepts. */
    private static Optional<Integer> lowestFreePort(DSLContext dsl, int portMin, int portMax, IntPredicate bindable) {
        Set<Integer> used = new HashSet<>(dsl.select(INSTANCES.PORT).from(INSTANCES)
                .where(INSTANCES.PORT.isNotNull()).fetch(INSTANCES.PORT));
        for (int p = portMin; p <= portMax; p++) {
            if (!used.contains(p) && bindable.test(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Optional<InstancesRecord> find(String id) {
        return dsl.selectFrom(INSTANCES).where(INSTANCES.ID.eq(id)).fetchOptional();
    }

    public Optional<InstancesRecord> findLive(String projectId, String id) {
        return dsl.selectFrom(INSTANCES)
                .where(INSTANCES.ID.eq(id), INSTANCES.PROJECT_ID.eq(projectId), INSTANCES.DELETED.isFalse())
                .fetchOptional();
    }

    public List<InstancesRecord> listLive(String projectId) {
        return dsl.selectFrom(INSTANCES)
                .where(INSTANCES.PROJECT_ID.eq(projectId), INSTANCES.DELETED.isFalse())
                .orderBy(INSTANCES.CREATED_AT, INSTANCES.ID)
                .fetch();
    }

    /** Every instance that is not deleted, of all projects. */
    public List<InstancesRecord> listAllLive() {
        return dsl.selectFrom(INSTANCES).where(INSTANCES.DELETED.isFalse()).orderBy(INSTANCES.CREATED_AT).fetch();
    }

    /** Instances of all projects or one, oldest first; deleted only, live only, or both. */
    public List<InstancesRecord> listAll(Optional<Boolean> deleted, Optional<String> projectId) {
        Condition where = DSL.trueCondition();
        if (deleted.isPresent()) {
            where = where.and(INSTANCES.DELETED.eq(deleted.get()));
        }
        if (projectId.isPresent()) {
            where = where.and(INSTANCES.PROJECT_ID.eq(projectId.get()));
        }
        return dsl.selectFrom(INSTANCES).where(where).orderBy(INSTANCES.CREATED_AT, INSTANCES.ID).fetch();
    }

    /**
     * Moves the instance to {@code next} only if its task is still {@code expected} (compare and set);
     * returns whether it moved.
     */
    public boolean transitionTask(String id, Task expected, Task next) {
        return dsl.update(INSTANCES)
                .set(INSTANCES.TASK, next.name())
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id), INSTANCES.TASK.eq(expected.name()), INSTANCES.DELETED.isFalse())
                .execute() == 1;
    }

    public void rename(String id, String name) {
        dsl.update(INSTANCES).set(INSTANCES.NAME, name).set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id), INSTANCES.DELETED.isFalse()).execute();
    }

    public void setStep(String id, String step) {
        dsl.update(INSTANCES).set(INSTANCES.STEP, step).set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id)).execute();
    }

    /** Records the engine's health; the update time moves only when the health changes. */
    public void setHealth(String id, Health health) {
        dsl.update(INSTANCES)
                .set(INSTANCES.HEALTH, health.name())
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id), INSTANCES.HEALTH.ne(health.name()))
                .execute();
    }

    /**
     * The build finished: the engine runs, the request's secrets are erased. Returns false, changing
     * nothing, when the instance is no longer building (the build timed out, or it was deleted).
     */
    public boolean markBuilt(String id) {
        return dsl.update(INSTANCES)
                .set(INSTANCES.TASK, Task.NONE.name())
                .set(INSTANCES.HEALTH, Health.RUNNING.name())
                .set(INSTANCES.STEP, "READY")
                .setNull(INSTANCES.BUILD_REQUEST)
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id), INSTANCES.TASK.eq(Task.BUILDING.name()))
                .execute() == 1;
    }

    /**
     * The control plane found its access to the engine broken from inside the instance and restored
     * it: {@code message} says so in the instance's fault until something more serious replaces it.
     */
    public void recordAccessRepair(String id, String message) {
        Instant now = Instant.now();
        dsl.update(INSTANCES)
                .set(INSTANCES.ACCESS_FAULT, message.length() > 1000 ? message.substring(0, 1000) : message)
                .set(INSTANCES.ACCESS_FAULT_AT, utc(now))
                .set(INSTANCES.UPDATED_AT, utc(now))
                .where(INSTANCES.ID.eq(id), INSTANCES.DELETED.isFalse())
                .execute();
    }

    /**
     * The health loop is about to start the instance's engine by itself, the {@code restarts}-th
     * time of the current series; written before the start, so the back-off holds across a crash of
     * the control plane.
     */
    public void recordEngineRestart(String id, int restarts, Instant at) {
        dsl.update(INSTANCES)
                .set(INSTANCES.ENGINE_RESTARTS, restarts)
                .set(INSTANCES.ENGINE_RESTARTED_AT, utc(at))
                .where(INSTANCES.ID.eq(id), INSTANCES.DELETED.isFalse())
                .execute();
    }

    /** What the health loop did to the engine or is waiting to do, shown as the instance's fault while nothing more serious is. */
    public void setEngineFault(String id, String message) {
        Instant now = Instant.now();
        dsl.update(INSTANCES)
                .set(INSTANCES.ENGINE_FAULT, message.length() > 1000 ? message.substring(0, 1000) : message)
                .set(INSTANCES.ENGINE_FAULT_AT, utc(now))
                .set(INSTANCES.UPDATED_AT, utc(now))
                .where(INSTANCES.ID.eq(id), INSTANCES.DELETED.isFalse())
                .execute();
    }

    /** The engine runs as it should again: its fault and its series of automatic restarts end. */
    public void clearEngineRecovery(String id) {
        dsl.update(INSTANCES)
                .setNull(INSTANCES.ENGINE_FAULT)
                .setNull(INSTANCES.ENGINE_FAULT_AT)
                .setNull(INSTANCES.ENGINE_RESTARTS)
                .setNull(INSTANCES.ENGINE_RESTARTED_AT)
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(id), INSTANCES.ENGINE_RESTARTS.isNotNull().or(INSTANCES.ENGINE_FAULT.isNotNull()))
                .execute();
    }

    /** The task failed: status ERROR with {@code message} as the fault; secrets erased. */
    public void markFailed(String id, String message) {
        Instant now = Instant.now();
        dsl.update(INSTANCES)
                .set(INSTANCES.TASK, Task.FAILED.name())
                .set(INSTANCES.FAULT_MESSAGE, message.length() > 1000 ? message.substring(0, 1000) : message)
                .set(INSTANCES.FAULT_AT, utc(now))
                .setNull(INSTANCES.BUILD_REQUEST)
                .set(INSTANCES.UPDATED_AT, utc(now))
                .where(INSTANCES.ID.eq(id), INSTANCES.DELETED.isFalse())
                .execute();
    }

    /** The instance is gone: kept for history, its port released. */
    public void markDeleted(String id) {
        Instant now = Instant.now();
        dsl.update(INSTANCES)
                .set(INSTANCES.DELETED, true)
                .set(INSTANCES.DELETED_AT, utc(now))
                .set(INSTANCES.TASK, Task.NONE.name())
                .set(INSTANCES.HEALTH, Health.SHUTDOWN.name())
                .setNull(INSTANCES.PORT)
                .setNull(INSTANCES.BUILD_REQUEST)
                .set(INSTANCES.UPDATED_AT, utc(now))
                .where(INSTANCES.ID.eq(id))
                .execute();
    }
}
