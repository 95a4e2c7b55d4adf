package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The one durable scheduler (db-scheduler, its executions in the state store) that every workflow
 * family runs on: each family registers its own tasks before the start and schedules executions
 * of them, keyed so that scheduling twice is one execution. Executions left by a killed control
 * plane are revived once the scheduler declares them dead.
 */
public final class WorkflowScheduler implements AutoCloseable {
    private final List<Task<?>> tasks = new ArrayList<>();
    private volatile Scheduler scheduler;

    /** Adds a workflow family's task; before {@link #start} only. */
    public synchronized void register(Task<?> task) {
        if (scheduler != null) {
            throw new IllegalStateException("tasks are registered before the scheduler starts");
        }
        tasks.add(requireNonNull(task, "task is null"));
    }

    /** Starts {@code workers} workers on the executions in {@code dataSource}. */
    public synchronized void start(DataSource dataSource, int workers) {
        if (scheduler != null) {
            throw new IllegalStateException("the scheduler runs already");
        }
        scheduler = Scheduler.create(dataSource, List.copyOf(tasks))
                .threads(workers)
                .pollingInterval(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofSeconds(1))
                .missedHeartbeatsLimit(4)
                .enableImmediateExecution()
                .alwaysPersistTimestampInUTC()
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
        scheduler.start();
    }

    /** Schedules an execution of a registered task now, unless one with the same id exists. */
    public boolean schedule(TaskInstance<?> instance) {
        Scheduler running = scheduler;
        if (running == null) {
            throw new IllegalStateException("the scheduler has not started");
        }
        return running.scheduleIfNotExists(instance, Instant.now());
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.stop();
            scheduler = null;
        }
    }
}
