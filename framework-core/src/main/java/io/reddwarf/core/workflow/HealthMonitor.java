package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.HealthStatus;
import java.time.Duration;
import java.time.Instant;
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
 * The heartbeat of the local provider: probes every ready instance, records its health, restarts
 * an engine that crashed, moves builds that outlived the build timeout to ERROR (so a stuck build
 * can always be deleted), and re-schedules workflows whose scheduling was lost in a crash.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** The fault of a ready instance whose directory is gone. */
    public static final String FILES_MISSING = "The instance's files are missing on this host.";

    private final InstanceRepository repository;
    private final InstanceWorkflows workflows;
    private final Duration buildTimeout;
    private final ScheduledExecutorService ticker;
    private final ExecutorService restarts;
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();

    public HealthMonitor(InstanceRepository repository, InstanceWorkflows workflows, Duration buildTimeout) {
        this.repository = requireNonNull(repository, "repository is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
        this.buildTimeout = requireNonNull(buildTimeout, "buildTimeout is null");
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
            if (task == Task.NONE && "READY".equals(row.getStep())) {
                // an instance whose lock is held is being used or changed; it is probed next round
                workflows.locks().tryHolding(row.getId(), Duration.ZERO, () -> probe(row.getId()));
            }
        }
    }

    /** Probes an idle instance; called holding its lock, so the row read here is what the engine is. */
    private void probe(String id) {
        Optional<InstancesRecord> current = repository.find(id)
                .filter(r -> !r.getDeleted() && Task.valueOf(r.getTask()) == Task.NONE && "READY".equals(r.getStep()));
        if (current.isEmpty()) {
            return;
        }
        InstancesRecord row = current.get();
        if (!workflows.filesPresent(row)) {
            // as at start-up: a ready instance whose files vanished is not recreated empty
            repository.markFailed(row.getId(), FILES_MISSING);
            return;
        }
        Optional<DatastoreInstance> instance;
        try {
            instance = workflows.open(row);
        } catch (RuntimeException e) {
            LOG.warn("Cannot open instance {}: {}", row.getId(), e.getMessage());
            repository.setHealth(row.getId(), Health.UNKNOWN);
            return;
        }
        if (instance.isEmpty()) {
            repository.setHealth(row.getId(), Health.UNKNOWN);
            return;
        }
        HealthStatus status = instance.get().status();
        repository.setHealth(row.getId(), Health.valueOf(status.name()));
        if ((status == HealthStatus.CRASHED || status == HealthStatus.SHUTDOWN) && restarting.add(row.getId())) {
            LOG.warn("Instance {} engine is {}; starting it again", row.getId(), status);
            restarts.execute(() -> {
                try {
                    workflows.locks().holding(row.getId(), () -> {
                        boolean stillReady = repository.find(row.getId())
                                .filter(r -> !r.getDeleted() && Task.valueOf(r.getTask()) == Task.NONE)
                                .isPresent();
                        if (stillReady) {
                            workflows.startRecovering(row, instance.get());
                            repository.setHealth(row.getId(), Health.RUNNING);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.error("Instance {} could not be started again: {}", row.getId(), e.getMessage());
                } finally {
                    restarting.remove(row.getId());
                }
            });
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        restarts.shutdownNow();
    }
}
