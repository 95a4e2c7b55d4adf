package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.CoreConfig.EngineRecovery;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of the local provider: probes every ready instance, records its health, moves
 * builds that outlived the build timeout to ERROR (so a stuck build can always be deleted), and
 * re-schedules workflows whose scheduling was lost in a crash.
 *
 * <p>It also recovers engines by itself. One that stopped is started again: at once the first
 * time, then after a wait that doubles with each further stop of the series, up to a cap, so an
 * engine that cannot stay up is not restarted every few seconds forever. One whose process exists
 * but leaves {@link EngineRecovery#hangProbes()} probes in a row unanswered is killed and started
 * the same way. Each such act is written to the instance's engine fault, with the engine's last
 * error lines; the series and the fault end once the engine has answered every probe for
 * {@link EngineRecovery#stableAfter()}. Meanwhile the status tells what the engine does: ERROR
 * while it is down (health CRASHED), BLOCKED while it does not answer.
 *
 * <p>Every probe, kill and start holds the instance's lock ({@link InstanceLocks}) and reads the
 * row again under it, so none of them meets a restart, resize, backup or account operation.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** The fault of a ready instance whose directory is gone. */
    public static final String FILES_MISSING = "The instance's files are missing on this host.";

    private final InstanceRepository repository;
    private final InstanceWorkflows workflows;
    private final Duration buildTimeout;
    private final EngineRecovery recovery;
    private final ScheduledExecutorService ticker;
    private final ExecutorService restarts;
    private final Set<String> recovering = ConcurrentHashMap.newKeySet();
    /** Per instance, the probes its running engine left unanswered in a row, and when the first was. */
    private final Map<String, Unanswered> unanswered = new ConcurrentHashMap<>();

    private record Unanswered(int probes, Instant since) {}

    /**
     * Per instance whose engine is down, since when: the wait before its next start counts from
     * there (from the last failed start when starts fail). Lost with the process: after a restart
     * of the control plane the wait counts from the first probe that finds the engine down.
     */
    private final Map<String, Instant> downSince = new ConcurrentHashMap<>();

    /** Why the health loop starts an engine by itself. */
    private enum Cause { STOPPED, HUNG }

    public HealthMonitor(InstanceRepository repository, InstanceWorkflows workflows, Duration buildTimeout) {
        this(repository, workflows, buildTimeout, EngineRecovery.DEFAULT);
    }

    public HealthMonitor(InstanceRepository repository, InstanceWorkflows workflows, Duration buildTimeout,
            EngineRecovery recovery) {
        this.repository = requireNonNull(repository, "repository is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
        this.buildTimeout = requireNonNull(buildTimeout, "buildTimeout is null");
        this.recovery = requireNonNull(recovery, "recovery is null");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "reddwarf-health"));
        this.restarts = Executors.newFixedThreadPool(2, r -> daemon(r, "reddwarf-recover"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start(Duration interval) {
        ticker.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("Health check round failed", e);
        }
    }

    /** One round over all instances. */
    public void tick() {
        Instant now = Instant.now();
        for (InstancesRecord row : repository.listAllLive()) {
            Task task = Task.valueOf(row.getTask());
            if (task == Task.BUILDING
                    && InstanceRepository.instant(row.getCreatedAt()).plus(buildTimeout).isBefore(now)) {
                LOG.warn("Instance {} exceeded the build timeout; setting it to ERROR", row.getId());
                repository.markFailed(row.getId(),
                        "The build did not finish within " + buildTimeout.toSeconds() + " s.");
                continue;
            }
            workflows.ensureScheduled(row);
            if (task == Task.NONE && "READY".equals(row.getStep()) && !recovering.contains(row.getId())) {
                // an instance whose lock is held is being used or changed; it is probed next round
                workflows.locks().tryHolding(row.getId(), Duration.ZERO, () -> probe(row.getId()));
            } else if (task != Task.NONE) {
                unanswered.remove(row.getId());
                downSince.remove(row.getId());
            }
        }
    }

    /** The row of an instance the health loop may act on: idle and ready. */
    private Optional<InstancesRecord> idle(String id) {
        return repository.find(id)
                .filter(r -> !r.getDeleted() && Task.valueOf(r.getTask()) == Task.NONE && "READY".equals(r.getStep()));
    }

    /** Probes an idle instance; called holding its lock, so the row read here is what the engine is. */
    private void probe(String id) {
        Optional<InstancesRecord> current = idle(id);
        if (current.isEmpty()) {
            unanswered.remove(id);
            downSince.remove(id);
            return;
        }
        InstancesRecord row = current.get();
        if (!workflows.filesPresent(row)) {
            // as at start-up: a ready instance whose files vanished is not recreated empty
            repository.markFailed(id, FILES_MISSING);
            return;
        }
        Optional<DatastoreInstance> instance;
        try {
            instance = workflows.open(row);
        } catch (RuntimeException e) {
            LOG.warn("Cannot open instance {}: {}", id, e.getMessage());
            repository.setHealth(id, Health.UNKNOWN);
            return;
        }
        if (instance.isEmpty()) {
            repository.setHealth(id, Health.UNKNOWN);
            return;
        }
        Instant now = Instant.now();
        HealthStatus status = instance.get().status();
        switch (status) {
            case RUNNING -> {
                unanswered.remove(id);
                downSince.remove(id);
                repository.setHealth(id, Health.RUNNING);
                Optional<Instant> restartedAt = Optional.ofNullable(row.getEngineRestartedAt()).map(InstanceRepository::instant);
                boolean settled = restartedAt.isEmpty() || !restartedAt.get().plus(recovery.stableAfter()).isAfter(now);
                if ((row.getEngineRestarts() != null || row.getEngineFault() != null) && settled) {
                    LOG.info("Instance {}: the engine has answered every probe for {} s since it was last started by"
                            + " the health loop", id, recovery.stableAfter().toSeconds());
                    repository.clearEngineRecovery(id);
                }
            }
            case STARTING -> {
                // the engine answered before (the instance is ready) and nobody is starting it (we hold the lock)
                Unanswered count = unanswered.merge(id, new Unanswered(1, now),
                        (before, one) -> new Unanswered(before.probes() + 1, before.since()));
                repository.setHealth(id, Health.UNRESPONSIVE);
                if (count.probes() == 1) {
                    LOG.warn("Instance {}: the engine's process runs but it did not answer the health probe", id);
                }
                if (count.probes() >= recovery.hangProbes()) {
                    down(row, instance.get(), Cause.HUNG, now);
                }
            }
            case CRASHED, SHUTDOWN -> {
                unanswered.remove(id);
                Health before = Health.valueOf(row.getHealth());
                repository.setHealth(id, Health.valueOf(status.name()));
                if (before != Health.CRASHED && before != Health.SHUTDOWN) {
                    LOG.warn("Instance {}: the engine is {}", id, status);
                }
                down(row, instance.get(), Cause.STOPPED, now);
            }
            case UNKNOWN -> repository.setHealth(id, Health.UNKNOWN);
        }
    }

    /**
     * The engine is down or hangs: starts it again now if its series' back-off allows, else makes
     * sure the fault says when it will be.
     */
    private void down(InstancesRecord row, DatastoreInstance instance, Cause cause, Instant now) {
        String id = row.getId();
        int series = restartsInSeries(row, now);
        Instant due = downSince.computeIfAbsent(id, k -> now).plus(recovery.delayBefore(series + 1));
        if (!due.isAfter(now)) {
            if (recovering.add(id)) {
                Unanswered hung = unanswered.remove(id);
                restarts.execute(() -> recover(id, instance, cause, series + 1, hung));
            }
            return;
        }
        boolean justStopped = !Health.CRASHED.name().equals(row.getHealth()) && !Health.SHUTDOWN.name().equals(row.getHealth());
        if (cause == Cause.STOPPED && justStopped) {
            long wait = secondsUntil(now, due);
            LOG.warn("Instance {}: the engine stopped {} times in a row; starting it again in {} s", id, series + 1,
                    wait);
            repository.setEngineFault(id, withErrors("The engine stopped unexpectedly " + (series + 1)
                    + " times in a row; Reddwarf starts it again in " + wait + " s.", instance.lastErrors()));
        }
    }

    /** How many automatic starts the engine's current series holds: none once it ran stably since the last. */
    private int restartsInSeries(InstancesRecord row, Instant now) {
        if (row.getEngineRestarts() == null || row.getEngineRestartedAt() == null) {
            return 0;
        }
        Instant last = InstanceRepository.instant(row.getEngineRestartedAt());
        // a series ends after a stable run; a probe may have missed it (the lock was held), so judge by time too
        Duration longestWait = recovery.delayBefore(row.getEngineRestarts() + 1);
        return last.plus(recovery.stableAfter()).plus(longestWait).isBefore(now) ? 0 : row.getEngineRestarts();
    }

    /** Kills a hung engine and starts it, the {@code n}-th automatic start of its series; on a worker of its own. */
    private void recover(String id, DatastoreInstance instance, Cause cause, int n, Unanswered hung) {
        try {
            workflows.locks().holding(id, () -> {
                Optional<InstancesRecord> row = idle(id);
                if (row.isEmpty()) {
                    downSince.remove(id);
                    return;
                }
                if (instance.status() == HealthStatus.RUNNING) {
                    // it answered again (or was started) while this waited for the lock
                    downSince.remove(id);
                    return;
                }
                List<String> errors = instance.lastErrors();
                long seconds = cause == Cause.HUNG ? Duration.between(hung.since(), Instant.now()).toSeconds() : 0;
                if (cause == Cause.HUNG) {
                    LOG.warn("Instance {}: the engine did not answer {} health probes in a row over {} s; killing it",
                            id, hung.probes(), seconds);
                    repository.setEngineFault(id, "The engine did not answer " + hung.probes() + " health checks in a"
                            + " row over " + seconds + " s; Reddwarf killed it and starts it again.");
                    workflows.killEngine(id);
                    repository.setHealth(id, Health.CRASHED);
                } else {
                    LOG.warn("Instance {}: starting the engine again ({} in a row)", id, n);
                }
                repository.recordEngineRestart(id, n, Instant.now());
                try {
                    workflows.startRecovering(row.get(), instance);
                } catch (RuntimeException e) {
                    long wait = recovery.delayBefore(n + 1).toSeconds();
                    LOG.error("Instance {}: the engine did not start again ({} in a row); next attempt in {} s: {}",
                            id, n, wait, e.getMessage());
                    repository.setHealth(id, Health.CRASHED);
                    downSince.put(id, Instant.now());
                    repository.setEngineFault(id, withErrors("The engine stopped unexpectedly and did not start again"
                            + " (" + n + (n == 1 ? " attempt" : " attempts") + " in a row); Reddwarf tries again in "
                            + wait + " s.", instance.lastErrors()));
                    return;
                }
                repository.setHealth(id, Health.RUNNING);
                downSince.remove(id);
                if (cause == Cause.HUNG) {
                    repository.setEngineFault(id, "The engine did not answer " + hung.probes() + " health checks in a"
                            + " row over " + seconds + " s; Reddwarf killed it and started it again.");
                } else if (n > 1) {
                    // a single stop that one start mended is in the log only; a series is trouble to show
                    repository.setEngineFault(id, withErrors("The engine stopped unexpectedly " + n
                            + " times in a row; Reddwarf started it again.", errors));
                }
                LOG.info("Instance {}: the engine runs again", id);
            });
        } catch (RuntimeException e) {
            LOG.error("Instance {} could not be recovered: {}", id, e.getMessage());
        } finally {
            recovering.remove(id);
        }
    }

    private static String withErrors(String message, List<String> errors) {
        return errors.isEmpty() ? message : message + " Its log ends with:\n" + String.join("\n", errors);
    }

    private static long secondsUntil(Instant now, Instant then) {
        return (Duration.between(now, then).toMillis() + 999) / 1000;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        restarts.shutdownNow();
    }
}
