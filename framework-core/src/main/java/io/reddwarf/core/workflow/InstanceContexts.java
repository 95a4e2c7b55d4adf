package io.reddwarf.core.workflow;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.core.provider.InstanceBackups;
import io.reddwarf.core.provider.InstanceProvider;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.util.List;
import java.util.Optional;

/** The context and the driver's handle of a recorded instance. */
public final class InstanceContexts {
    private final DriverRegistry drivers;
    private final FlavorCatalog flavors;
    private final InstanceProvider provider;

    public InstanceContexts(DriverRegistry drivers, FlavorCatalog flavors, InstanceProvider provider) {
        this.drivers = requireNonNull(drivers, "drivers is null");
        this.flavors = requireNonNull(flavors, "flavors is null");
        this.provider = requireNonNull(provider, "provider is null");
    }

    /** The version of the row's datastore that runs on this host, if its driver is loaded. */
    public Optional<DatastoreVersion> version(String datastoreType, String versionName) {
        return drivers.versions(datastoreType).stream().filter(v -> v.name().equals(versionName)).findFirst();
    }

    /** The instance's context, if its driver and version are available. */
    public Optional<InstanceContext> context(InstancesRecord row) {
        if (drivers.driver(row.getDatastoreType()).isEmpty() || row.getPort() == null) {
            return Optional.empty();
        }
        return version(row.getDatastoreType(), row.getDatastoreVersion()).map(version -> provider.context(row.getId(),
                row.getDatastoreType(), version, flavors.get(row.getFlavorId()), row.getPort()));
    }

    /** Stops the tools an interrupted operation on the instance left running (not its engine). */
    public void stopLeftoverTools(String instanceId) {
        provider.stopLeftoverTools(instanceId);
    }

    /** The instance's configuration files and live values, written where its driver runs. */
    public io.reddwarf.core.provider.InstanceConfiguration configuration(io.reddwarf.spi.ConfigRenderer renderer,
            InstanceContext context) {
        return provider.configuration(renderer, context);
    }

    /** The instance's backups and restores, run where its driver runs. */
    public InstanceBackups backups(BackupPipeline pipeline, DatastoreInstance instance, InstanceContext context) {
        return provider.backups(pipeline, instance, context);
    }

    /** Checks the stored objects of a backup chain where backups are read. */
    public void checkBackups(BackupPipeline pipeline, List<StoredBackup> chain) {
        provider.checkBackups(pipeline, chain);
    }

    /** The driver's handle on the instance in {@code context}. */
    public DatastoreInstance open(InstancesRecord row, InstanceContext context) {
        Datastore driver = drivers.driver(row.getDatastoreType())
                .orElseThrow(() -> new IllegalStateException("datastore driver unavailable"));
        return provider.open(driver, context);
    }

    /** The driver's handle on the instance of {@code row}, if its driver is loaded. */
    public Optional<DatastoreInstance> open(InstancesRecord row) {
        return context(row).map(context -> open(row, context));
    }
}
