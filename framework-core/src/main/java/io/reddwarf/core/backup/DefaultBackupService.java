package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.db.tables.records.BackupsRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.persistence.BackupRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rules for backups; SQL lives in {@link BackupRepository}, the long work in {@link BackupWorkflows}. */
public final class DefaultBackupService implements BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBackupService.class);
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_DESCRIPTION_LENGTH = 1024;

    private final BackupRepository backups;
    private final InstanceRepository instances;
    private final InstanceContexts contexts;
    private final BackupStrategies strategies;
    private final BackupWorkflows backupWorkflows;
    private final QuotaService quotas;
    private final DefaultBackupStrategyService settings;

    public DefaultBackupService(BackupRepository backups, InstanceRepository instances, InstanceContexts contexts,
            BackupStrategies strategies, BackupWorkflows backupWorkflows, QuotaService quotas,
            DefaultBackupStrategyService settings) {
        this.quotas = requireNonNull(quotas, "quotas is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.backups = requireNonNull(backups, "backups is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        this.strategies = requireNonNull(strategies, "strategies is null");
        this.backupWorkflows = requireNonNull(backupWorkflows, "backupWorkflows is null");
    }

    @Override
    public BackupView create(String projectId, CreateBackupRequest request) {
        if (request.name().isBlank() || request.name().length() > MAX_NAME_LENGTH) {
            throw ReddwarfException.badRequest("The backup name must be 1 to " + MAX_NAME_LENGTH + " characters long.");
        }
        if (request.description().map(String::length).orElse(0) > MAX_DESCRIPTION_LENGTH) {
            throw ReddwarfException.badRequest("The backup description must be at most " + MAX_DESCRIPTION_LENGTH
                    + " characters long.");
        }
        InstancesRecord instance = instances.findLive(projectId, request.instanceId())
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + request.instanceId() + " cannot be found."));
        Optional<BackupsRecord> parent = parent(projectId, request);
        DatastoreVersion version = contexts.version(instance.getDatastoreType(), instance.getDatastoreVersion())
                .orElseThrow(() -> notReady(instance.getId()));
        BackupStrategy strategy;
        if (parent.isPresent()) {
            strategy = strategies.named(parent.get().getStrategy())
                    .filter(s -> s.incremental() && s.supports(instance.getDatastoreType(), version))
                    .orElseThrow(() -> ReddwarfException.unprocessable("Backup " + parent.get().getId()
                            + " was taken with strategy '" + parent.get().getStrategy() + "' and cannot be a parent."));
        } else {
            strategy = settings.strategyFor(instance);
        }
        String id = UUID.randomUUID().toString();
        String objectKey = request.container().map(DefaultBackupStrategyService::checkContainer)
                .or(() -> settings.container(instance)).map(c -> c + "/").orElse("") + id + ".rdwb";
        if (!InstanceStatus.of(instance).acceptsRequests()) {
            throw notReady(instance.getId());
        }
        Instant now = Instant.now();
        BackupsRecord row = new BackupsRecord();
        row.setId(id);
        row.setObjectKey(objectKey);
        row.setProjectId(projectId);
        row.setName(request.name());
        row.setDescription(request.description().orElse(null));
        row.setInstanceId(instance.getId());
        row.setDatastoreType(instance.getDatastoreType());
        row.setDatastoreVersion(instance.getDatastoreVersion());
        row.setEngineVersion(version.engineVersion());
        row.setVolumeSize(instance.getVolumeSize());
        row.setParentId(parent.map(BackupsRecord::getId).orElse(null));
        row.setStrategy(strategy.name());
        row.setState(BackupState.NEW.name());
        row.setProgressBytes(0L);
        row.setCreatedAt(InstanceRepository.utc(now));
        row.setUpdatedAt(InstanceRepository.utc(now));
        row.setDeleted(false);
        if (!backups.insertChecked(row, held -> quotas.checkBackup(projectId, held))) {
            throw notReady(instance.getId());
        }
        LOG.info("Backup {} of instance {} recorded with strategy {}", row.getId(), instance.getId(), strategy.name());
        backupWorkflows.schedule(row.getId());
        return view(row);
    }

    private Optional<BackupsRecord> parent(String projectId, CreateBackupRequest request) {
        if (request.parentId().isPresent()) {
            BackupsRecord parent = backups.findLive(projectId, request.parentId().get())
                    .orElseThrow(() -> ReddwarfException.notFound("Backup " + request.parentId().get() + " cannot be found."));
            if (!parent.getInstanceId().equals(request.instanceId())) {
                throw ReddwarfException.unprocessable("Backup " + parent.getId() + " is not a backup of instance "
                        + request.instanceId() + ".");
            }
            if (!BackupState.COMPLETED.name().equals(parent.getState())) {
                throw ReddwarfException.unprocessable("Backup " + parent.getId() + " is not completed.");
            }
            return Optional.of(parent);
        }
        if (request.incremental()) {
            return Optional.of(backups.listLive(projectId, Optional.of(request.instanceId()), Optional.empty()).stream()
                    .filter(b -> BackupState.COMPLETED.name().equals(b.getState()))
                    .max(Comparator.comparing(BackupsRecord::getCreatedAt))
                    .orElseThrow(() -> ReddwarfException.unprocessable("Instance " + request.instanceId()
                            + " has no completed backup to be incremental to.")));
        }
        return Optional.empty();
    }

    @Override
    public List<BackupView> list(String projectId, Optional<String> instanceId, Optional<String> datastore) {
        return backups.listLive(projectId, instanceId, datastore).stream().map(DefaultBackupService::view).toList();
    }

    @Override
    public Optional<java.time.Instant> createdAt(String projectId, String backupId) {
        return backups.find(backupId).filter(r -> r.getProjectId().equals(projectId))
                .map(r -> InstanceRepository.instant(r.getCreatedAt()));
    }

    @Override
    public List<BackupView> listOfInstance(String projectId, String instanceId) {
        instances.findLive(projectId, instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
        return list(projectId, Optional.of(instanceId), Optional.empty());
    }

    @Override
    public BackupView get(String projectId, String backupId) {
        return view(load(projectId, backupId));
    }

    @Override
    public void delete(String projectId, String backupId) {
        BackupsRecord root = load(projectId, backupId);
        List<BackupsRecord> doomed = new ArrayList<>();
        collect(root, doomed);
        for (BackupsRecord row : doomed) {
            if (!BackupState.valueOf(row.getState()).finished()) {
                throw ReddwarfException.unprocessable("Backup " + row.getId() + " is not finished.");
            }
        }
        // Children first: a parent never disappears before the backups that need it.
        for (BackupsRecord row : doomed.reversed()) {
            backupWorkflows.deleteObject(row);
            backups.markDeleted(row.getId());
        }
        LOG.info("Backup {} of project {} deleted with {} incremental descendants", backupId, projectId,
                doomed.size() - 1);
    }

    private void collect(BackupsRecord row, List<BackupsRecord> into) {
        into.add(row);
        for (BackupsRecord child : backups.children(row.getId())) {
            collect(child, into);
        }
    }

    /**
     * Checks that a completed backup of the project can be restored into a new instance of this
     * datastore version and volume; returns the backup's id.
     */
    public String checkRestorable(String projectId, String backupId, String datastoreType, String versionName,
            int volumeSize) {
        BackupsRecord row = backups.findLive(projectId, backupId)
                .orElseThrow(() -> ReddwarfException.notFound("Backup " + backupId + " cannot be found."));
        if (!BackupState.COMPLETED.name().equals(row.getState())) {
            throw ReddwarfException.unprocessable("Backup " + backupId + " is not completed.");
        }
        if (!row.getDatastoreType().equals(datastoreType) || !row.getDatastoreVersion().equals(versionName)) {
            throw ReddwarfException.unprocessable("Backup " + backupId + " of datastore " + row.getDatastoreType()
                    + " version " + row.getDatastoreVersion() + " cannot be restored into datastore " + datastoreType
                    + " version " + versionName + ".");
        }
        backupWorkflows.firstMissing(row.getId()).ifPresent(missing -> {
            throw ReddwarfException.unprocessable(missing.equals(backupId)
                    ? "The stored object of backup " + backupId + " is missing."
                    : "Backup " + backupId + " cannot be restored: the stored object of backup " + missing
                            + ", an earlier backup of its chain, is missing.");
        });
        if (volumeSize < row.getVolumeSize()) {
            throw ReddwarfException.badRequest("The volume size " + volumeSize + " GB is smaller than the "
                    + row.getVolumeSize() + " GB of the backup's instance.");
        }
        return row.getId();
    }

    private BackupsRecord load(String projectId, String backupId) {
        return backups.findLive(projectId, backupId)
                .orElseThrow(() -> ReddwarfException.notFound("Backup " + backupId + " cannot be found."));
    }

    private static ReddwarfException notReady(String instanceId) {
        return ReddwarfException.unprocessable("Instance " + instanceId + " is not ready.");
    }

    static BackupView view(BackupsRecord row) {
        boolean completed = BackupState.COMPLETED.name().equals(row.getState());
        return new BackupView(row.getId(), row.getProjectId(), row.getName(), Optional.ofNullable(row.getDescription()),
                row.getInstanceId(), row.getDatastoreType(), row.getDatastoreVersion(),
                Optional.ofNullable(row.getParentId()), row.getStrategy(), BackupState.valueOf(row.getState()),
                row.getProgressBytes(), Optional.ofNullable(row.getSizeBytes()).filter(s -> completed),
                Optional.ofNullable(row.getChecksum()).filter(s -> completed),
                Optional.ofNullable(row.getObjectKey()).filter(s -> completed),
                Optional.ofNullable(row.getFailReason()),
                InstanceRepository.instant(row.getCreatedAt()), InstanceRepository.instant(row.getUpdatedAt()));
    }
}
