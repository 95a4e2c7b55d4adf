package io.reddwarf.core.backup;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.db.tables.records.BackupStrategiesRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.persistence.BackupStrategyRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.spi.BackupStrategy;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Backup strategy settings in {@link BackupStrategyRepository}, and their resolution for a new backup. */
public final class DefaultBackupStrategyService implements BackupStrategyService {
    static final String INVALID_CONTAINER = "The container name must be 1 to 255 letters, digits, '_', '.' or '-' "
            + "and must not start with '.'.";
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}");

    private final BackupStrategyRepository settings;
    private final InstanceRepository instances;
    private final InstanceContexts contexts;
    private final BackupStrategies strategies;
    private final CoreConfig config;

    public DefaultBackupStrategyService(BackupStrategyRepository settings, InstanceRepository instances,
            InstanceContexts contexts, BackupStrategies strategies, CoreConfig config) {
        this.settings = requireNonNull(settings, "settings is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        this.strategies = requireNonNull(strategies, "strategies is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public BackupStrategySetting put(String projectId, Optional<String> instanceId, Optional<String> container,
            Optional<String> strategy) {
        Optional<InstancesRecord> instance = instanceId.map(id -> load(projectId, id));
        if (container.isEmpty() && strategy.isEmpty()) {
            throw ReddwarfException.badRequest("A backup strategy needs a 'swift_container', a 'strategy' or both.");
        }
        container.ifPresent(DefaultBackupStrategyService::checkContainer);
        if (strategy.isPresent()) {
            if (instance.isPresent()) {
                InstancesRecord row = instance.get();
                usable(strategy.get(), row.getDatastoreType(), row.getDatastoreVersion(),
                        ReddwarfException::badRequest);
            } else if (strategies.named(strategy.get()).isEmpty()) {
                throw ReddwarfException.badRequest("Unknown backup strategy '" + strategy.get() + "'; available are: "
                        + names(strategies.all()) + ".");
            }
        }
        return view(settings.put(projectId, instanceId.orElse(BackupStrategyRepository.PROJECT_WIDE),
                container.orElse(null), strategy.orElse(null)));
    }

    @Override
    public List<BackupStrategySetting> list(String projectId, Optional<String> instanceId) {
        return settings.list(projectId, instanceId).stream()
                .filter(r -> r.getInstanceId().isEmpty() || instances.findLive(projectId, r.getInstanceId()).isPresent())
                .map(DefaultBackupStrategyService::view).toList();
    }

    @Override
    public void delete(String projectId, Optional<String> instanceId) {
        if (!settings.delete(projectId, instanceId.orElse(BackupStrategyRepository.PROJECT_WIDE))) {
            throw ReddwarfException.notFound(instanceId.map(id -> "No backup strategy is set for instance " + id + ".")
                    .orElse("No backup strategy is set for project " + projectId + "."));
        }
    }

    /** @throws ReddwarfException 400 unless the name is 1 to 255 of [A-Za-z0-9_.-], not starting with '.' */
    static String checkContainer(String container) {
        if (!CONTAINER.matcher(container).matches()) {
            throw ReddwarfException.badRequest(INVALID_CONTAINER);
        }
        return container;
    }

    /** The container the instance's next backup is written to, if its or its project's setting names one. */
    Optional<String> container(InstancesRecord instance) {
        return level(instance, BackupStrategiesRecord::getContainer);
    }

    /**
     * The strategy for the instance's next full backup: its setting's, its project's, the deployer's
     * default for its datastore version, else the built-in choice.
     *
     * @throws ReddwarfException 422 if the strategy named cannot back up the instance's datastore version
     */
    BackupStrategy strategyFor(InstancesRecord instance) {
        Optional<String> named = level(instance, BackupStrategiesRecord::getStrategy)
                .or(() -> config.backupStrategy(instance.getDatastoreType(), instance.getDatastoreVersion()));
        if (named.isPresent()) {
            return usable(named.get(), instance.getDatastoreType(), instance.getDatastoreVersion(),
                    ReddwarfException::unprocessable);
        }
        return strategies.choose(instance.getDatastoreType(), version(instance));
    }

    private BackupStrategy usable(String name, String datastoreType, String versionName,
            java.util.function.Function<String, ReddwarfException> error) {
        var version = contexts.version(datastoreType, versionName);
        List<BackupStrategy> fitting = version.map(v -> strategies.all().stream()
                .filter(s -> s.supports(datastoreType, v)).toList()).orElse(List.of());
        return fitting.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> error.apply("The backup strategy '" + name + "' is not available for datastore "
                        + datastoreType + " version " + versionName + "; available are: "
                        + (fitting.isEmpty() ? "none" : names(fitting)) + "."));
    }

    private io.reddwarf.spi.DatastoreVersion version(InstancesRecord instance) {
        return contexts.version(instance.getDatastoreType(), instance.getDatastoreVersion())
                .orElseThrow(() -> ReddwarfException.unprocessable("Instance " + instance.getId() + " is not ready."));
    }

    private Optional<String> level(InstancesRecord instance,
            java.util.function.Function<BackupStrategiesRecord, String> field) {
        return settings.find(instance.getProjectId(), instance.getId()).map(field)
                .or(() -> settings.find(instance.getProjectId(), BackupStrategyRepository.PROJECT_WIDE).map(field));
    }

    private InstancesRecord load(String projectId, String instanceId) {
        return instances.findLive(projectId, instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
    }

    private static String names(List<BackupStrategy> list) {
        return list.stream().map(BackupStrategy::name).sorted().collect(Collectors.joining(", "));
    }

    private static BackupStrategySetting view(BackupStrategiesRecord row) {
        return new BackupStrategySetting(row.getProjectId(),
                Optional.of(row.getInstanceId()).filter(id -> !id.isEmpty()),
                Optional.ofNullable(row.getContainer()), Optional.ofNullable(row.getStrategy()));
    }
}
