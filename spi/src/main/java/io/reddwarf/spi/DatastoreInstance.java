package io.reddwarf.spi;

import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of one instance. Lifecycle methods are called by the control plane's workflow
 * workers, one operation at a time per instance, and must be idempotent: a crash of the control
 * plane in the middle of one leads to the same call again.
 *
 * <p>Optional behaviour is reached through {@link #databases()}, {@link #users()} and
 * {@link #root()}; drivers that do not claim the matching {@link Capability} inherit the defaults,
 * which throw {@link NotSupportedException}.
 */
public interface DatastoreInstance {

    /** The datastore type this instance belongs to, used in not-supported messages. */
    String type();

    /**
     * Creates the instance from nothing: initialises the data directory, secures the engine (no
     * anonymous accounts, no test database, superuser only through a local socket, a generated
     * administrative account for the control plane whose password stays in {@link SecretStore}),
     * and creates the requested databases and users. Leaves the engine running.
     *
     * <p>If called again after a partial run, it continues or starts over; it never fails because
     * an earlier attempt left files behind.
     *
     * @throws InvalidRequestException if a requested database or user is unacceptable
     * @throws DatastoreException      if the engine cannot be prepared
     */
    void prepare(PrepareRequest request);

    /**
     * Prepares the instance to receive a physical backup: what {@link #prepare} does but the data.
     * The engine's configuration and the control plane's credentials are written, the data
     * directory is left empty (but for the driver's hidden entries) and the engine stopped. The
     * control plane then fills the data directory with a {@link BackupStrategy.Kind#PHYSICAL}
     * strategy, calls {@link #start} and the strategy's {@link BackupStrategy#afterRestore}. The
     * request's databases and users are not created: the restored data files bring the source's.
     * Called again after a partial run, it starts over.
     *
     * <p>The default prepares the instance as usual and stops it; the control plane empties the
     * data directory before a physical restore in any case. Drivers override it to skip the work
     * a restore throws away (initialising data, starting the engine).
     *
     * @throws InvalidRequestException if the request is unacceptable
     * @throws DatastoreException      if the instance cannot be prepared
     */
    default void prepareForPhysicalRestore(PrepareRequest request) {
        prepare(request);
        stop();
    }

    /** Starts the engine and returns once it accepts connections. Does nothing if it runs. */
    void start();

    /** Stops the engine cleanly and returns once the process is gone. Does nothing if stopped. */
    void stop();

    /** Stops then starts the engine; data survives. */
    default void restart() {
        stop();
        start();
    }

    /** Probes the engine. Fast (well under a second) and never throws. */
    HealthStatus status();

    /**
     * The engine's most recent error lines, oldest first (a few, not the whole log), for the
     * instance's fault after the engine stopped unexpectedly or would not start. Called by the
     * control plane's health loop, one call at a time per instance, whether the engine runs or not;
     * it reads what the engine wrote and starts nothing. Never throws. The default returns none:
     * a datastore that keeps no error log has nothing to show.
     */
    default List<String> lastErrors() {
        return List.of();
    }

    /** Where clients connect. */
    Endpoint endpoint();

    /**
     * Stops the engine and removes everything the instance owns below its home directory. Safe to
     * call on a half-prepared or already destroyed instance.
     */
    void destroy();

    /**
     * Applies the context's flavor, which the control plane has just changed: re-renders the engine
     * settings sized by the flavor (memory, connections) and restarts the engine. Called by a
     * workflow worker, one operation at a time per instance; idempotent.
     *
     * @throws NotSupportedException if the datastore cannot change flavors
     * @throws DatastoreException    if the engine does not come back
     */
    default void applyFlavor() {
        throw new NotSupportedException("resize", type());
    }

    /**
     * Checks that the control plane's own access to the running engine works and restores it if the
     * tenant broke it from inside (for example dropped or changed the administrative account as
     * root), restarting the engine if that is the only way. Called by a workflow worker or request
     * thread after an administrative operation failed, one call at a time per instance. The default
     * does nothing: a datastore without such an account has nothing to repair.
     *
     * @return what was repaired, in a sentence for the instance's fault; empty if access worked
     * @throws DatastoreException if access is broken and cannot be restored
     */
    default Optional<String> repairAccess() {
        return Optional.empty();
    }

    /** Databases (schemas) of the instance. */
    default DatabaseAdmin databases() {
        throw new NotSupportedException("databases", type());
    }

    /** User accounts of the instance. */
    default UserAdmin users() {
        throw new NotSupportedException("users", type());
    }

    /** The superuser account. */
    default RootAdmin root() {
        throw new NotSupportedException("root", type());
    }
}
