package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.DatastoreCatalog.DatastoreInfo;
import io.reddwarf.core.catalog.DatastoreCatalog.VersionInfo;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.db.tables.records.ConfigurationsRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.db.tables.records.ParameterRulesRecord;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.persistence.ConfigurationRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.core.workflow.ConfigurationHook;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.core.workflow.WorkflowScheduler;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.ConfigRenderer.Parameter;
import io.reddwarf.spi.DatastoreVersion;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration groups and their rules: the groups' CRUD, the parameter rules of each datastore
 * version (the driver's, overridden by the operator's), attaching and detaching instances, and what
 * a change would do to each instance ({@link #plan}). Every change moves the instances'
 * {@code config_seq} in the same transaction and schedules {@link ConfigurationWorkflow}, which
 * applies it.
 */
public final class DefaultConfigurationService implements ConfigurationService {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultConfigurationService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_DESCRIPTION_LENGTH = 1024;
    /** The longest value a group may hold: the width of {@code configuration_values.param_value}. */
    static final int MAX_VALUE_LENGTH = 4096;

    private final ConfigurationRepository repository;
    private final InstanceRepository instances;
    private final DatastoreCatalog datastores;
    private final DriverRegistry drivers;
    private final FlavorCatalog flavors;
    private final ConfigRenderers renderers;
    private final ConfigurationWorkflow workflow;

    /**
     * @param contexts  the instances' contexts, and where their configuration is written
     * @param locks     the instances' locks: live values reach an engine that nothing else stops meanwhile
     * @param scheduler where the apply workflow registers its task
     */
    public DefaultConfigurationService(ConfigurationRepository repository, InstanceRepository instances,
            DatastoreCatalog datastores, DriverRegistry drivers, FlavorCatalog flavors, ConfigRenderers renderers,
            InstanceContexts contexts, InstanceLocks locks, WorkflowScheduler scheduler) {
        this.repository = requireNonNull(repository, "repository is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.datastores = requireNonNull(datastores, "datastores is null");
        this.drivers = requireNonNull(drivers, "drivers is null");
        this.flavors = requireNonNull(flavors, "flavors is null");
        this.renderers = requireNonNull(renderers, "renderers is null");
        this.workflow = new ConfigurationWorkflow(repository, instances, renderers, contexts, locks, scheduler,
                this::plan);
    }

    /** The apply workflow, and what builds and restarts do for an instance's group. */
    public ConfigurationHook workflow() {
        return workflow;
    }

    // ---- groups ---------------------------------------------------------------------------------

    @Override
    public Optional<java.time.Instant> createdAt(String projectId, String configurationId) {
        return repository.find(configurationId).filter(r -> r.getProjectId().equals(projectId))
                .map(r -> InstanceRepository.instant(r.getCreatedAt()));
    }

    @Override
    public List<ConfigurationView> list(String projectId) {
        return repository.listLive(projectId).stream().map(this::view).toList();
    }

    @Override
    public ConfigurationView get(String projectId, String id) {
        return view(load(projectId, id));
    }

    @Override
    public ConfigurationView create(String projectId, CreateConfigurationRequest request) {
        validateName(request.name());
        validateDescription(request.description());
        VersionInfo version = resolveVersion(request.datastoreType(), request.datastoreVersion());
        validateValues(version, request.values());
        Instant now = Instant.now();
        ConfigurationsRecord row = new ConfigurationsRecord();
        row.setId(UUID.randomUUID().toString());
        row.setProjectId(projectId);
        row.setName(request.name());
        row.setDescription(request.description().orElse(null));
        row.setDatastoreType(version.datastoreName());
        row.setDatastoreVersion(version.name());
        row.setCreatedAt(InstanceRepository.utc(now));
        row.setUpdatedAt(InstanceRepository.utc(now));
        row.setDeleted(false);
        repository.insert(row, request.values());
        LOG.info("Configuration group {} ({}) of project {} created with {} values", row.getId(), row.getName(),
                projectId, request.values().size());
        return view(row);
    }

    @Override
    public ApplyPlan update(String projectId, String id, ConfigurationUpdate update, boolean dryRun) {
        ConfigurationsRecord row = load(projectId, id);
        update.name().ifPresent(DefaultConfigurationService::validateName);
        validateDescription(update.description());
        VersionInfo version = datastores.version(row.getDatastoreType(), row.getDatastoreVersion());
        validateValues(version, update.values());
        Map<String, String> values = new TreeMap<>();
        if (!update.replace()) {
            values.putAll(repository.values(id));
        }
        values.putAll(update.values());
        List<ApplyPlan.InstancePlan> plans = new ArrayList<>();
        for (InstancesRecord instance : repository.instancesOf(id)) {
            plans.add(plan(instance, values));
        }
        if (dryRun) {
            return new ApplyPlan(plans);
        }
        List<String> affected = repository.update(id, update.name().orElse(row.getName()),
                update.description().or(() -> Optional.ofNullable(row.getDescription())).orElse(null),
                update.values(), update.replace());
        LOG.info("Configuration group {} updated; applying to {} instances", id, affected.size());
        affected.forEach(workflow::schedule);
        return new ApplyPlan(plans);
    }

    @Override
    public void delete(String projectId, String id) {
        load(projectId, id);
        if (!repository.deleteIfUnused(id)) {
            throw ReddwarfException.badRequest("A configuration group cannot be deleted if it is associated with one "
                    + "or more non-terminated instances. Detach the configuration group from all non-terminated "
                    + "instances and please try again.");
        }
        LOG.info("Configuration group {} of project {} deleted", id, projectId);
    }

    @Override
    public List<Map.Entry<String, String>> instances(String projectId, String id) {
        load(projectId, id);
        return repository.instancesOf(id).stream()
                .filter(r -> r.getProjectId().equals(projectId))
                .map(r -> Map.entry(r.getId(), r.getName()))
                .toList();
    }

    // ---- parameters -----------------------------------------------------------------------------

    @Override
    public List<VersionParameter> parameters(String datastore, String version) {
        VersionInfo info = datastores.version(datastore, version);
        return parametersOf(info);
    }

    @Override
    public List<VersionParameter> parametersByVersionId(String versionId) {
        return parametersOf(versionById(versionId));
    }

    private VersionInfo versionById(String versionId) {
        return datastores.list().stream()
                .flatMap(d -> d.versions().stream())
                .filter(v -> v.id().equals(versionId))
                .findFirst()
                .orElseThrow(() -> ReddwarfException.notFound("Datastore version " + versionId + " could not be found."));
    }

    private List<VersionParameter> parametersOf(VersionInfo info) {
        return effectiveRules(info).values().stream().map(p -> new VersionParameter(p, info.id())).toList();
    }

    /** The driver's rules of the version with the operators' changes applied, by name. */
    private Map<String, Parameter> effectiveRules(VersionInfo info) {
        Map<String, Parameter> rules = driverRules(info);
        for (ParameterRulesRecord row : repository.parameterRules(info.datastoreName(), info.name())) {
            if (row.getDeleted()) {
                rules.remove(row.getName());
            } else {
                rules.put(row.getName(), new Parameter(row.getName(), ConfigRenderer.Type.valueOf(row.getDataType()),
                        Optional.ofNullable(row.getMinSize()).map(BigInteger::new),
                        Optional.ofNullable(row.getMaxSize()).map(BigInteger::new), row.getRestartRequired()));
            }
        }
        return rules;
    }

    private Map<String, Parameter> driverRules(VersionInfo info) {
        Map<String, Parameter> rules = new TreeMap<>();
        renderers.forType(info.datastoreName())
                .ifPresent(r -> r.rules(spiVersion(info)).forEach(p -> rules.put(p.name(), p)));
        return rules;
    }

    @Override
    public VersionParameter addParameter(String versionId, Parameter rule) {
        VersionInfo info = versionById(versionId);
        Parameter driver = driverRules(info).get(rule.name());
        if (driver == null) {
            throw ReddwarfException.badRequest("The parameter " + rule.name() + " is not known to the "
                    + info.datastoreName() + " " + info.name() + " driver; only its parameters can be offered.");
        }
        if (effectiveRules(info).containsKey(rule.name())) {
            throw ReddwarfException.badRequest(rule.name() + " parameter already exists for datastore version "
                    + info.name() + ".");
        }
        return saveRule(info, driver, rule);
    }

    @Override
    public VersionParameter updateParameter(String versionId, Parameter rule) {
        VersionInfo info = versionById(versionId);
        if (!effectiveRules(info).containsKey(rule.name())) {
            throw ReddwarfException.notFound(rule.name() + " is not a supported configuration parameter.");
        }
        return saveRule(info, driverRules(info).get(rule.name()), rule);
    }

    @Override
    public void removeParameter(String versionId, String name) {
        VersionInfo info = versionById(versionId);
        Parameter offered = effectiveRules(info).get(name);
        if (offered == null) {
            throw ReddwarfException.badRequest("Parameter " + name + " does not exist in the database.");
        }
        repository.saveParameterRule(ruleRow(info, offered, true));
        LOG.info("Parameter {} of {} {} is no longer offered", name, info.datastoreName(), info.name());
    }

    /** An operator's rule may only be narrower than the driver's: same type, bounds within, never less restart. */
    private VersionParameter saveRule(VersionInfo info, Parameter driver, Parameter rule) {
        if (driver.type() != rule.type()) {
            throw ReddwarfException.badRequest("The data type of " + rule.name() + " must stay "
                    + driver.type().troveName() + ".");
        }
        boolean belowMin = driver.min().isPresent()
                && (rule.min().isEmpty() || rule.min().get().compareTo(driver.min().get()) < 0);
        boolean aboveMax = driver.max().isPresent()
                && (rule.max().isEmpty() || rule.max().get().compareTo(driver.max().get()) > 0);
        if (belowMin || aboveMax) {
            throw ReddwarfException.badRequest("The bounds of " + rule.name() + " must lie within the driver's: "
                    + driver.min().map(BigInteger::toString).orElse("-") + " to "
                    + driver.max().map(BigInteger::toString).orElse("-") + ".");
        }
        if (driver.restartRequired() && !rule.restartRequired()) {
            throw ReddwarfException.badRequest("The parameter " + rule.name()
                    + " takes effect only at a restart; it cannot be made dynamic.");
        }
        repository.saveParameterRule(ruleRow(info, rule, false));
        LOG.info("Parameter {} of {} {} now offered as {}", rule.name(), info.datastoreName(), info.name(), rule);
        return new VersionParameter(rule, info.id());
    }

    private static ParameterRulesRecord ruleRow(VersionInfo info, Parameter rule, boolean deleted) {
        ParameterRulesRecord row = new ParameterRulesRecord();
        row.setDatastoreType(info.datastoreName());
        row.setDatastoreVersion(info.name());
        row.setName(rule.name());
        row.setDataType(rule.type().name());
        row.setMinSize(rule.min().map(BigInteger::toString).orElse(null));
        row.setMaxSize(rule.max().map(BigInteger::toString).orElse(null));
        row.setRestartRequired(rule.restartRequired());
        row.setDeleted(deleted);
        return row;
    }

    // ---- instances ------------------------------------------------------------------------------

    @Override
    public Map<String, Object> effective(String projectId, String instanceId) {
        InstancesRecord row = loadInstance(projectId, instanceId);
        VersionInfo version = datastores.version(row.getDatastoreType(), row.getDatastoreVersion());
        Optional<ConfigRenderer> renderer = renderers.forType(row.getDatastoreType());
        if (renderer.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new TreeMap<>(renderer.get().defaults(spiVersion(version),
                flavors.get(row.getFlavorId())));
        if (row.getConfigurationId() != null) {
            values.putAll(repository.values(row.getConfigurationId()));
        }
        return typed(renderer.get(), version, values);
    }

    @Override
    public ApplyPlan attach(String projectId, String instanceId, Optional<String> configurationId, boolean dryRun) {
        InstancesRecord row = loadInstance(projectId, instanceId);
        Map<String, String> values = Map.of();
        if (configurationId.isPresent()) {
            ConfigurationsRecord group = load(projectId, configurationId.get());
            if (row.getConfigurationId() != null) {
                throw ReddwarfException.badRequest("Instance " + instanceId
                        + " already has a Configuration Group attached: " + row.getConfigurationId() + ".");
            }
            checkSameVersion(group, row.getDatastoreType(), row.getDatastoreVersion());
            values = repository.values(group.getId());
        }
        if (!InstanceStatus.of(row).acceptsRequests()) {
            throw ReddwarfException.unprocessable("Instance " + instanceId + " is not ready.");
        }
        ApplyPlan plan = new ApplyPlan(List.of(plan(row, values)));
        if (dryRun) {
            return plan;
        }
        if (configurationId.isEmpty() && row.getConfigurationId() == null) {
            return new ApplyPlan(List.of());
        }
        if (!repository.setConfiguration(instanceId, row.getConfigurationId(), configurationId.orElse(null))) {
            throw ReddwarfException.unprocessable("Instance " + instanceId + " is not ready.");
        }
        LOG.info("Instance {}: configuration group {} {}", instanceId,
                configurationId.orElse(row.getConfigurationId()), configurationId.isPresent() ? "attached" : "detached");
        workflow.schedule(instanceId);
        return plan;
    }

    @Override
    public void checkForNewInstance(String projectId, String configurationId, String datastoreType,
            String datastoreVersion) {
        checkSameVersion(load(projectId, configurationId), datastoreType, datastoreVersion);
    }

    private void checkSameVersion(ConfigurationsRecord group, String type, String version) {
        if (!group.getDatastoreType().equals(type) || !group.getDatastoreVersion().equals(version)) {
            throw ReddwarfException.badRequest("Datastore Version on Configuration " + group.getDatastoreType() + " "
                    + group.getDatastoreVersion() + " does not match the Datastore Version on the instance " + type
                    + " " + version + ".");
        }
    }

    /** What applying {@code desired} to the instance changes, against the values it last applied. */
    ApplyPlan.InstancePlan plan(InstancesRecord row, Map<String, String> desired) {
        Map<String, String> live = new TreeMap<>();
        Map<String, String> restart = new TreeMap<>();
        Optional<ConfigRenderer> renderer = renderers.forType(row.getDatastoreType());
        if (renderer.isPresent()) {
            VersionInfo info = datastores.version(row.getDatastoreType(), row.getDatastoreVersion());
            DatastoreVersion version = spiVersion(info);
            Map<String, Parameter> rules = effectiveRules(info);
            Map<String, String> defaults = renderer.get().defaults(version, flavors.get(row.getFlavorId()));
            Map<String, String> applied = parseApplied(row.getConfigApplied());
            TreeSet<String> names = new TreeSet<>(applied.keySet());
            names.addAll(desired.keySet());
            for (String name : names) {
                String before = applied.get(name);
                String after = desired.get(name);
                if (Objects.equals(before, after)) {
                    continue;
                }
                Parameter rule = rules.get(name);
                String value = after != null ? after : defaults.get(name);
                if (rule != null && !rule.restartRequired() && value != null) {
                    live.put(name, value);
                } else {
                    restart.put(name, value != null ? value : "(engine default)");
                }
            }
        }
        InstanceStatus now = InstanceStatus.of(row);
        InstanceStatus after = !restart.isEmpty() && (now == InstanceStatus.ACTIVE) ? InstanceStatus.RESTART_REQUIRED : now;
        return new ApplyPlan.InstancePlan(row.getId(), row.getName(), live, restart, after);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ConfigurationsRecord load(String projectId, String id) {
        return repository.findLive(projectId, id)
                .orElseThrow(() -> ReddwarfException.notFound("Configuration group " + id + " cannot be found."));
    }

    private InstancesRecord loadInstance(String projectId, String instanceId) {
        return instances.findLive(projectId, instanceId)
                .orElseThrow(() -> ReddwarfException.notFound("Resource " + instanceId + " cannot be found."));
    }

    private VersionInfo resolveVersion(Optional<String> type, Optional<String> version) {
        DatastoreInfo ds;
        if (type.isPresent()) {
            ds = datastores.get(type.get());
        } else {
            List<DatastoreInfo> all = datastores.list();
            if (all.size() != 1) {
                throw ReddwarfException.notFound("Please specify datastore.");
            }
            ds = all.getFirst();
        }
        return datastores.version(ds.id(), version.orElse(ds.defaultVersionId()));
    }

    private void validateValues(VersionInfo version, Map<String, String> values) {
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            if (e.getValue().codePointCount(0, e.getValue().length()) > MAX_VALUE_LENGTH) {
                throw ReddwarfException.unprocessable("The value for the configuration parameter " + e.getKey()
                        + " must be at most " + MAX_VALUE_LENGTH + " characters long.");
            }
        }
        Optional<ConfigRenderer> renderer = renderers.forType(version.datastoreName());
        DatastoreVersion spi = spiVersion(version);
        if (renderer.isEmpty() || renderer.get().rules(spi).isEmpty()) {
            throw ReddwarfException.unprocessable("Configuration groups are not supported for this datastore: "
                    + version.datastoreName() + " " + version.name());
        }
        List<String> problems = renderer.get().validate(spi, values);
        if (!problems.isEmpty()) {
            throw ReddwarfException.unprocessable(problems.getFirst());
        }
        Map<String, Parameter> rules = effectiveRules(version);
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            Parameter rule = rules.get(e.getKey());
            if (rule == null) {
                throw ReddwarfException.unprocessable("The configuration parameter " + e.getKey()
                        + " is not supported for this datastore: " + version.datastoreName() + " " + version.name()
                        + ".");
            }
            if (rule.type() == ConfigRenderer.Type.INTEGER || rule.type() == ConfigRenderer.Type.FLOAT) {
                BigDecimal value = new BigDecimal(e.getValue());
                if (rule.min().isPresent() && value.compareTo(new BigDecimal(rule.min().get())) < 0) {
                    throw ReddwarfException.unprocessable("The value for the configuration parameter " + rule.name()
                            + " is less than the minimum allowed: " + rule.min().get());
                }
                if (rule.max().isPresent() && value.compareTo(new BigDecimal(rule.max().get())) > 0) {
                    throw ReddwarfException.unprocessable("The value for the configuration parameter " + rule.name()
                            + " is greater than the maximum allowed: " + rule.max().get());
                }
            }
        }
    }

    static void validateName(String name) {
        if (name.isBlank()) {
            throw ReddwarfException.badRequest("The configuration group name must not be blank.");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw ReddwarfException.badRequest("The configuration group name must be at most " + MAX_NAME_LENGTH
                    + " characters long, without control characters.");
        }
    }

    private static void validateDescription(Optional<String> description) {
        if (description.isPresent() && description.get().length() > MAX_DESCRIPTION_LENGTH) {
            throw ReddwarfException.badRequest("The configuration group description must be at most "
                    + MAX_DESCRIPTION_LENGTH + " characters long.");
        }
    }

    private DatastoreVersion spiVersion(VersionInfo info) {
        return drivers.versions(info.datastoreName()).stream()
                .filter(v -> v.name().equals(info.name()))
                .findFirst()
                .orElseGet(() -> new DatastoreVersion(info.name(), info.engineVersion()));
    }

    private static Map<String, Parameter> rulesByName(ConfigRenderer renderer, DatastoreVersion version) {
        Map<String, Parameter> rules = new LinkedHashMap<>();
        renderer.rules(version).forEach(p -> rules.put(p.name(), p));
        return rules;
    }

    private ConfigurationView view(ConfigurationsRecord row) {
        VersionInfo version = datastores.version(row.getDatastoreType(), row.getDatastoreVersion());
        Map<String, Object> values = renderers.forType(row.getDatastoreType())
                .map(r -> typed(r, version, repository.values(row.getId())))
                .orElseGet(() -> new TreeMap<>(repository.values(row.getId())));
        return new ConfigurationView(row.getId(), row.getProjectId(), row.getName(),
                Optional.ofNullable(row.getDescription()), row.getDatastoreType(), row.getDatastoreVersion(),
                version.id(), values, repository.countInstances(row.getId()),
                InstanceRepository.instant(row.getCreatedAt()), InstanceRepository.instant(row.getUpdatedAt()));
    }

    private Map<String, Object> typed(ConfigRenderer renderer, VersionInfo version, Map<String, String> values) {
        Map<String, Parameter> rules = rulesByName(renderer, spiVersion(version));
        Map<String, Object> typed = new TreeMap<>();
        values.forEach((name, value) -> typed.put(name, typed(rules.get(name), value)));
        return typed;
    }

    private static Object typed(Parameter rule, String value) {
        if (rule == null) {
            return value;
        }
        try {
            return switch (rule.type()) {
                case INTEGER -> new BigInteger(value);
                case FLOAT -> new BigDecimal(value);
                case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "1", "yes" -> Boolean.TRUE;
                    case "false", "off", "0", "no" -> Boolean.FALSE;
                    default -> value;
                };
                case STRING -> value;
            };
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static Map<String, String> parseApplied(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
