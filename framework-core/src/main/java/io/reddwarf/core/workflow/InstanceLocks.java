package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per instance, held by whatever uses or changes the instance's engine: account
 * operations, the restart, resize, delete, backup and configuration workflows, and the health loop
 * while it probes, kills or starts the engine. Whoever holds it reads the instance's row again
 * before acting, so an engine is never stopped under an operation that found the instance ACTIVE,
 * and no operation starts on an engine that a task is about to change.
 *
 * <p>The locks live in the control plane's memory: one control plane runs a home's engines, and
 * after a crash no operation holds anything. Reentrant: an operation that repairs the control
 * plane's access from inside an account operation keeps the lock it has.
 */
public final class InstanceLocks {
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Runs {@code work} holding the instance's lock, waiting as long as it takes to get it. */
    public <T> T holding(String instanceId, Supplier<T> work) {
        ReentrantLock lock = lock(instanceId);
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #holding(String, Supplier)}, without a result. */
    public void holding(String instanceId, Runnable work) {
        holding(instanceId, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} holding the instance's lock if the lock is free within {@code wait}; throws
     * what {@code busy} supplies when it is not (nothing ran then).
     */
    public <T> T holding(String instanceId, Duration wait, Supplier<T> work,
            Supplier<? extends RuntimeException> busy) {
        ReentrantLock lock = lock(instanceId);
        if (!acquire(lock, wait)) {
            throw busy.get();
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} holding the instance's lock if the lock is free within {@code wait}; returns whether it ran. */
    public boolean tryHolding(String instanceId, Duration wait, Runnable work) {
        ReentrantLock lock = lock(instanceId);
        if (!acquire(lock, wait)) {
            return false;
        }
        try {
            work.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the lock was taken within {@code wait}; an interrupted wait counts as not taking it. */
    private static boolean acquire(ReentrantLock lock, Duration wait) {
        try {
            return lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Drops the lock of an instance that is gone. */
    public void forget(String instanceId) {
        locks.remove(instanceId);
    }

    private ReentrantLock lock(String instanceId) {
        return locks.computeIfAbsent(requireNonNull(instanceId, "instanceId is null"), id -> new ReentrantLock());
    }
}
