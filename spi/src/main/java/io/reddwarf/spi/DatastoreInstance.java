package io.reddwarf.spi;

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
