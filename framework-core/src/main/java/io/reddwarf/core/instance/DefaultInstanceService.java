package io.reddwarf.core.instance;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.backup.DefaultBackupService;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.DatastoreCatalog.DatastoreInfo;
import io.reddwarf.core.catalog.DatastoreCatalog.VersionInfo;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.configuration.ApplyPlan;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.SecretBox;
import io.reddwarf.core.provider.InstanceProvider;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.core.workflow.InstanceWorkflows;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.UserSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules for instances; SQL lives in {@link InstanceRepository}, long work in {@link InstanceWorkflows}. */
public final class DefaultInstanceService implements InstanceService {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultInstanceService.class);
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_VOLUME_GB = 10_000;
    static final String RESET_MESSAGE = "The status was reset by an administrator.";

    private final CoreConfig config;
    private final InstanceRepository repository;
    private final DatastoreCatalog datastores;
    private final FlavorCatalog flavors;
    private final DriverRegistry drivers;
    private final InstanceProvider provider;
    private final SecretBox secrets;
    private final InstanceWorkflows workflows;
    private final Optional<ConfigurationService> configurations;
    private final QuotaService quotas;
    private final Optional<DefaultBackupService> backups;

    /** @param configurations configuration groups, for instances created with or updated to use one */
    public DefaultInstanceService(CoreConfig config, InstanceRepository repository, DatastoreCatalog datastores,
            FlavorCatalog flavors, DriverRegistry drivers, InstanceProvider provider, SecretBox secrets,
            InstanceWorkflows workflows, QuotaService quotas, Optional<ConfigurationService> configurations) {
        this(config, repository, datastores, flavors, drivers, provider, secrets, workflows, quotas, configurations,
                Optional.empty());
    }

    /**
     * @param configurations configuration groups, for instances created with or updated to use one
     * @param backups        backups, for instances restored from one
     */
    public DefaultInstanceService(CoreConfig config, InstanceRepository repository, DatastoreCatalog datastores,
            FlavorCatalog flavors, DriverRegistry drivers, InstanceProvider provider, SecretBox secrets,
            InstanceWorkflows workflows, QuotaService quotas, Optional<ConfigurationService> configurations,
            Optional<DefaultBackupService> backups) {
        this.configurations = requireNonNull(configurations, "configurations is null");
        this.backups = requireNonNull(backups, "backups is null");
        this.config = requireNonNull(config, "config is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.datastores = requireNonNull(datastores, "datastores is null");
        this.flavors = requireNonNull(flavors, "flavors is null");
        this.drivers = requireNonNull(drivers, "drivers is null");
        this.provider = requireNonNull(provider, "provider is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
        this.quotas = requireNonNull(quotas, "quotas is null");
    }

    @Override
    public InstanceView create(String projectId, CreateInstanceRequest request) {
        validateName(request.name());
        if (request.volumeSize() <= 0 || request.volumeSize() > MAX_VOLUME_GB) {
            throw ReddwarfException.badRequest(
                    "Volume size must be a whole number of GB between 1 and " + MAX_VOLUME_GB + ".");
        }
        Flavor flavor = flavors.get(request.flavorRef());
        VersionInfo version = resolveVersion(request);
        validateInitialContent(request);
        try {
            drivers.driver(version.datastoreName())
                    .orElseThrow(() -> ReddwarfException.notFound(
                            "Datastore '" + version.datastoreName() + "' cannot be found."))
                    .validate(new io.reddwarf.spi.PrepareRequest(request.databases(), request.users()));
        } catch (InvalidRequestException e) {
            throw ReddwarfException.badRequest(e.getMessage());
        }

        request.configurationId().ifPresent(group -> configurationService()
                .checkForNewInstance(projectId, group, version.datastoreName(), version.name()));
        Optional<String> restore = request.restoreBackupId().map(backupId -> backups
                .orElseThrow(() -> new ReddwarfException(ErrorCode.NOT_IMPLEMENTED,
                        "Creating an instance with 'restorePoint' is not implemented."))
                .checkRestorable(projectId, backupId, version.datastoreName(), version.name(), request.volumeSize()));

        Instant now = Instant.now();
        InstancesRecord row = new InstancesRecord();
        request.configurationId().ifPresent(row::setConfigurationId);
        row.setId(UUID.randomUUID().toString());
        row.setProjectId(projectId);
        row.setName(request.name());
        row.setDatastoreType(version.datastoreName());
        row.setDatastoreVersion(version.name());
        row.setFlavorId(flavor.id());
        row.setVolumeSize(request.volumeSize());
        row.setTask(Task.BUILDING.name());
        row.setHealth(Health.NEW.name());
        row.setStep("NEW");
        row.setHost(provider.address());
        row.setBuildRequest(secrets.seal(BuildPayload.of(request).toJson()));
        row.setCreatedAt(InstanceRepository.utc(now));
        row.setUpdatedAt(InstanceRepository.utc(now));
        row.setDeleted(false);
        row.setRestoreBackupId(restore.orElse(null));
        if (repository.insertChecked(row, config.portMin(), config.portMax(), provider::portAvailable,
                live -> quotas.check(projectId, live, 1, request.volumeSize(), flavor.ramMb())).isEmpty()) {
            throw new ReddwarfException(ErrorCode.OVER_LIMIT,
                    "No free port is left in the range " + config.portMin() + "-" + config.portMax() + ".");
        }
        LOG.info("Instance {} ({}) of project {} recorded in BUILD on port {}", row.getId(), row.getName(),
                projectId, row.getPort());
        workflows.scheduleCreate(row.getId());
        return view(row);
    }

    private VersionInfo resolveVersion(CreateInstanceRequest request) {
        DatastoreInfo ds;
        if (request.datastoreType().isPresent()) {
            ds = datastores.get(request.datastoreType().get());
        } else {
            List<DatastoreInfo> all = datastores.list();
            if (all.size() != 1) {
                throw ReddwarfException.notFound("Please specify datastore.");
            }
            ds = all.getFirst();
        }
        return datastores.version(ds.id(), request.datastoreVersion().orElse(ds.defaultVersionId()));
    }

    static void validateName(String name) {
        if (name.isBlank()) {
            throw ReddwarfException.badRequest("Instance name must not be empty.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ReddwarfException.badRequest(
                    "Instance name is too long: " + name.length() + " characters, at most " + MAX_NAME_LENGTH + ".");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '\\' || Character.isISOControl(c)) {
                throw ReddwarfException.badRequest(
                        "Instance name must not contain quotes, backticks, backslashes or control characters.");
            }
        }
    }

    private static void validateInitialContent(CreateInstanceRequest request) {
        Set<String> dbs = new HashSet<>();
        for (DatabaseSpec db : request.databases()) {
            if (!dbs.add(db.name())) {
                throw ReddwarfException.badRequest("Two or more databases share the same name in the initial "
                        + "databases list. Please correct the names or remove the duplicate entries.");
            }
        }
        Set<String> users = new HashSet<>();
        for (UserSpec user : request.users()) {
            if (!users.add(user.name() + "@" + user.host())) {
                throw ReddwarfException.badRequest("Two or more users share the same name and host in the initial "
                        + "users list. Please correct the names or remove the duplicate entries.");
            }
            for (String db : user.databases()) {
                if (!dbs.contains(db)) {
                    throw ReddwarfException.badRequest("The request indicates that user " + user.name()
                            + " should have access to database " + db + ", but database " + db
                            + " is not included in the initial databases list.");
                }
            }
        }
    }

    @Override
    public List<InstanceView> list(String projectId) {
        return repository.listLive(projectId).stream().map(DefaultInstanceService::view).toList();
    }

    @Override
    public InstanceView get(String projectId, String instanceId) {
        return view(load(projectId, instanceId));
    }

    @Override
    public void delete(String projectId, String instanceId) {
        InstancesRecord row = load(projectId, instanceId);
        Task task = Task.valueOf(row.getTask());
        switch (task) {
            case DELETING -> {
                workflows.scheduleDelete(instanceId);
                return;
            }
            case BUILDING, RESTARTING, RESIZING, BACKUP -> throw notReady(instanceId);
            case NONE, FAILED -> {
                if (!repository.transitionTask(instanceId, task, Task.DELETING)) {
                    throw notReady(instanceId);
                }
            }
        }
        LOG.info("Instance {} of project {} set to DELETING", instanceId, projectId);
        workflows.scheduleDelete(instanceId);
    }

    /**
     * As in Trove, an idle instance can be restarted whether its engine runs, hangs (BLOCKED),
     * stopped or crashed (ERROR without a failed task): a restart is how its owner gets it back.
     */
    @Override
    public void restart(String projectId, String instanceId) {
        InstancesRecord row = load(projectId, instanceId);
        boolean restartable = Task.valueOf(row.getTask()) == Task.NONE && RESTARTABLE.contains(Health.valueOf(row.getHealth()));
        if (!restartable || !repository.transitionTask(instanceId, Task.NONE, Task.RESTARTING)) {
            throw notReady(instanceId);
        }
        workflows.scheduleRestart(instanceId);
    }

    /** The engine states of an idle instance that a restart acts on (not NEW: never built; not UNKNOWN: no driver). */
    private static final Set<Health> RESTARTABLE = Set.of(Health.RUNNING, Health.UNRESPONSIVE, Health.SHUTDOWN,
            Health.CRASHED);

    /** The name changes at once; a configuration change goes to the configuration service. */
    @Override
    public Optional<ApplyPlan> update(String projectId, String instanceId, InstanceUpdate update) {
        load(projectId, instanceId);
        if (update.name().isEmpty() && update.configuration().isEmpty()) {
            throw ReddwarfException.badRequest("The update must change the instance's name or configuration.");
        }
        update.name().ifPresent(DefaultInstanceService::validateName);
        Optional<ApplyPlan> plan = Optional.empty();
        if (update.configuration().isPresent()) {
            plan = Optional.of(configurationService().attach(projectId, instanceId,
                    update.configuration().get().attach(), update.dryRun()));
        }
        if (update.name().isPresent() && !update.dryRun()) {
            repository.rename(instanceId, update.name().get());
        }
        return plan;
    }

    private ConfigurationService configurationService() {
        return configurations.orElseThrow(() -> new ReddwarfException(ErrorCode.NOT_IMPLEMENTED,
                "Configuration groups are not available."));
    }

    @Override
    public void resetStatus(String projectId, String instanceId) {
        load(projectId, instanceId);
        repository.markFailed(instanceId, RESET_MESSAGE);
        LOG.info("Status of instance {} of project {} reset to ERROR", instanceId, projectId);
    }

    @Override
    public void resizeVolume(String projectId, String instanceId, int size) {
        InstancesRecord row = load(projectId, instanceId);
        int current = row.getVolumeSize();
        if (size <= current) {
            throw ReddwarfException.badRequest("The new volume size must be larger than the current volume size of "
                    + current + " GB.");
        }
        if (size > MAX_VOLUME_GB) {
            throw ReddwarfException.badRequest(
                    "Volume size must be a whole number of GB between 1 and " + MAX_VOLUME_GB + ".");
        }
        if (!InstanceStatus.of(row).acceptsRequests()) {
            throw notReady(instanceId);
        }
        if (!repository.resizeVolumeChecked(projectId, instanceId, size,
                live -> quotas.check(projectId, live, 0, size - current, 0))) {
            throw notReady(instanceId);
        }
        LOG.info("Volume of instance {} of project {} grown from {} to {} GB", instanceId, projectId, current, size);
    }

    @Override
    public void resizeFlavor(String projectId, String instanceId, String flavorRef) {
        InstancesRecord row = load(projectId, instanceId);
        Flavor flavor = flavors.get(flavorRef);
        if (flavor.id().equals(row.getFlavorId())) {
            throw ReddwarfException.badRequest("The new flavor must differ from the current flavor " + flavor.id() + ".");
        }
        if (!InstanceStatus.of(row).acceptsRequests()) {
            throw notReady(instanceId);
        }
        int currentRam = ramOf(row.getFlavorId());
        if (!repository.resizeFlavorChecked(projectId, instanceId, flavor.id(),
                live -> quotas.check(projectId, live, 0, 0, flavor.ramMb() - currentRam))) {
            throw notReady(instanceId);
        }
        LOG.info("Instance {} of project {} resizing from flavor {} to {}", instanceId, projectId, row.getFlavorId(),
                flavor.id());
        workflows.scheduleResize(instanceId);
    }

    private int ramOf(String flavorId) {
        try {
            return flavors.get(flavorId).ramMb();
        } catch (ReddwarfException flavorNoLongerOffered) {
            return 0;
        }
    }

    @Override
    public Optional<java.time.Instant> createdAt(Optional<String> projectId, String instanceId) {
        return repository.find(instanceId).filter(r -> projectId.map(p -> p.equals(r.getProjectId())).orElse(true))
                .map(r -> InstanceRepository.instant(r.getCreatedAt()));
    }

    @Override
    public List<ManagedInstance> listAll(Optional<Boolean> deleted, Optional<String> projectId) {
        return repository.listAll(deleted, projectId).stream().map(DefaultInstanceService::managed).toList();
    }

    @Override
    public ManagedInstance getAny(String instanceId) {
        return managed(repository.find(instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found.")));
    }

    private static ManagedInstance managed(InstancesRecord row) {
        return new ManagedInstance(view(row), row.getDeleted(),
                Optional.ofNullable(row.getDeletedAt()).map(InstanceRepository::instant));
    }

    private static ReddwarfException notReady(String instanceId) {
        return ReddwarfException.unprocessable("Instance " + instanceId + " is not ready.");
    }

    private InstancesRecord load(String projectId, String instanceId) {
        return repository.findLive(projectId, instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
    }

    static InstanceView view(InstancesRecord row) {
        Optional<InstanceView.Fault> fault = Optional.ofNullable(row.getFaultMessage())
                .filter(m -> Task.valueOf(row.getTask()) == Task.FAILED)
                .map(m -> new InstanceView.Fault(m, InstanceRepository.instant(row.getFaultAt())))
                .or(() -> Optional.ofNullable(row.getEngineFault())
                        .map(m -> new InstanceView.Fault(m, InstanceRepository.instant(row.getEngineFaultAt()))))
                .or(() -> Optional.ofNullable(row.getConfigFault())
                        .map(m -> new InstanceView.Fault(m, InstanceRepository.instant(row.getConfigFaultAt()))))
                .or(() -> Optional.ofNullable(row.getAccessFault())
                        .map(m -> new InstanceView.Fault(m, InstanceRepository.instant(row.getAccessFaultAt()))));
        return new InstanceView(row.getId(), row.getProjectId(), row.getName(), InstanceStatus.of(row), row.getDatastoreType(),
                row.getDatastoreVersion(), row.getFlavorId(), row.getVolumeSize(), Optional.ofNullable(row.getHost()),
                Optional.ofNullable(row.getPort()), InstanceRepository.instant(row.getCreatedAt()),
                InstanceRepository.instant(row.getUpdatedAt()), fault, Optional.ofNullable(row.getConfigurationId()));
    }

    /** Opens a stored build request (used by the workflow). */
    public static io.reddwarf.spi.PrepareRequest openBuildRequest(SecretBox secrets, String sealed) {
        return BuildPayload.fromJson(secrets.open(sealed)).toPrepareRequest();
    }
}
