package io.reddwarf.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a driver knows about the place an instance runs in. In local mode the control plane
 * provides it; on a virtual machine a guest agent provides the same thing.
 *
 * <p>The directories exist and are private to the instance when the context is handed out. A
 * driver writes only below {@link #homeDir()} and, for version-wide caches, {@link #templateDir()}.
 */
public interface InstanceContext {
    /** The instance's id (a UUID string), stable for its lifetime. */
    String instanceId();

    /** The datastore version the instance runs. */
    DatastoreVersion version();

    /** The instance's size. */
    Flavor flavor();

    /** The instance's root directory; the four directories below are inside it. */
    Path homeDir();

    /** Where the engine keeps its data files. */
    Path dataDir();

    /** Where configuration files and secrets ({@link #secrets()}) live. */
    Path confDir();

    /** Where the engine writes its logs. */
    Path logDir();

    /** Where sockets and pid files live. */
    Path runDir();

    /**
     * A directory shared by all instances of {@link #version()} on this host, for pre-initialised
     * data directories and similar caches. Drivers must create content there atomically (write to a
     * temporary sibling, then rename), since two instances may prepare at the same time.
     */
    Path templateDir();

    /** The address the engine must listen on. */
    String bindAddress();

    /** The TCP port allocated to the engine. */
    int port();

    /** Starts, watches and stops the instance's processes, and runs short commands. */
    ProcessSupervisor processes();

    /** Stores the instance's secrets in files only the control plane's user can read. */
    SecretStore secrets();

    /**
     * The certificate and key the engine serves TLS with, when the provider issues them (the local
     * provider does for every instance); a driver names these files in its engine's configuration
     * and in {@link ProcessSupervisor.Daemon#reads()}. Empty: the engine serves no TLS.
     */
    default Optional<TlsFiles> tls() {
        return Optional.empty();
    }
}
