package io.reddwarf.spi;

import java.util.List;
import java.util.Set;

/**
 * A datastore driver: the {@link java.util.ServiceLoader} entry point, listed in
 * {@code META-INF/services/io.reddwarf.spi.Datastore}.
 *
 * <p>Implementations are small, stateless factories with a public no-argument constructor. The
 * control plane creates one at start-up and calls it from many threads.
 */
public interface Datastore {

    /** The datastore type users name in the API, lowercase, e.g. {@code "mariadb"}. */
    String type();

    /**
     * The versions that can run on this host, discovered from the installed engine binaries.
     * Called at start-up and when datastores are listed; may run a short command such as
     * {@code mariadbd --version}. Returns an empty list when no engine is installed.
     */
    List<DatastoreVersion> versions();

    /** The optional behaviour this driver implements; see {@link Capability}. */
    Set<Capability> capabilities();

    /**
     * Checks what a create request asks for (database and user names, hosts, character sets)
     * against this datastore's rules, before the control plane accepts the request. Called on a
     * request thread; does not touch any engine. {@link DatastoreInstance#prepare} checks again.
     *
     * @throws InvalidRequestException with a message for the user if something is unacceptable
     */
    default void validate(PrepareRequest request) {}

    /**
     * A handle on one instance. Cheap: it does not touch the engine. The handle may be created many
     * times for the same instance (after a control-plane restart, for each operation) and must hold
     * no state that is not derivable from the context's files.
     *
     * @throws IllegalArgumentException if the context's version is not one of {@link #versions()}
     */
    DatastoreInstance open(InstanceContext context);
}
