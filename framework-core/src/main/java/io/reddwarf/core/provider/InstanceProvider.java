package io.reddwarf.core.provider;

import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import java.util.List;
import java.util.Set;

/**
 * Where instances run: the one seam between the control plane's decisions (rows, workflows, quotas)
 * and the infrastructure that carries them out. A provider places an instance (an address and a
 * port to listen on, storage for its files), hands out the context its driver acts through,
 * releases everything an instance held, and after a crash of the control plane releases what no
 * live instance owns. Core reaches the infrastructure through this interface only.
 *
 * <p>{@link LocalProvider} runs every instance on this host, each in a directory of its own. Every
 * method may be called again after a crash at any point: allocation is keyed by the instance id,
 * release of something already released does nothing.
 */
public interface InstanceProvider {

    /** The address clients reach an instance placed now at (recorded in the instance's row). */
    String address();

    /** The ports instances may listen on. */
    PortRange ports();

    /**
     * Whether {@code port} is free where instances run right now; the state store decides among
     * ports this accepts, so a port held by something outside Reddwarf is never handed out.
     */
    boolean portAvailable(int port);

    /**
     * The context the instance's driver acts through; allocates the instance's storage on first use
     * (and its TLS certificate), reuses it afterwards.
     */
    InstanceContext context(String instanceId, String type, DatastoreVersion version, Flavor flavor, int port);

    /**
     * The driver's handle on the instance in {@code context}: the driver itself where it runs in
     * this process, or a handle whose calls are commands to the agent of the instance's host.
     */
    default DatastoreInstance open(Datastore driver, InstanceContext context) {
        return driver.open(context);
    }

    /** The instance's configuration files and live values, written where its driver runs. */
    default InstanceConfiguration configuration(ConfigRenderer renderer, InstanceContext context) {
        return InstanceConfiguration.inProcess(renderer, context);
    }

    /** The instance's backups and restores, run where its driver runs. */
    default InstanceBackups backups(BackupPipeline pipeline, DatastoreInstance instance, InstanceContext context) {
        return InstanceBackups.inProcess(pipeline, instance, context);
    }

    /**
     * Checks the stored objects of a backup chain (data keys, sizes, SHA-256) where backups are
     * read: the same place that restores them.
     *
     * @throws io.reddwarf.spi.DatastoreException naming the first backup that fails
     */
    default void checkBackups(BackupPipeline pipeline, List<StoredBackup> chain) {
        chain.forEach(pipeline::check);
    }

    /** Whether the instance's storage exists (it was allocated and not released). */
    boolean exists(String instanceId);

    /** Stops whatever an interrupted step of the instance left running; keeps its storage. */
    void stopLeftovers(String instanceId);

    /**
     * Stops the tools (backup and restore programs, not the engine) an interrupted operation on the
     * instance left running, before the operation starts over.
     */
    void stopLeftoverTools(String instanceId);

    /** Releases everything the instance holds: its processes, then its storage. Idempotent. */
    void release(String instanceId);

    /**
     * Releases what belongs to no instance in {@code liveIds}: storage and processes left by a
     * control plane that stopped between a row's deletion and the release, or by one that never
     * committed the row.
     */
    Reconciliation reconcile(Set<String> liveIds);

    /** The deployment's certificate authority (PEM), which clients verify instances with. */
    String certificateAuthorityPem();

    /** What {@link #reconcile} released. */
    record Reconciliation(Set<String> releasedInstances, int killedProcesses) {
        public Reconciliation {
            releasedInstances = Set.copyOf(releasedInstances);
        }
    }
}
