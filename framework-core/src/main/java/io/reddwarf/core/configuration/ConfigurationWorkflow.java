package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.ConfigurationRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.provider.InstanceConfiguration;
import io.reddwarf.core.workflow.ConfigurationHook;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.core.workflow.WorkflowScheduler;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code instance-configure} workflow that brings an instance's configuration file and running
 * engine in line with its group, and what builds and restarts do for the group
 * ({@link ConfigurationHook}).
 *
 * <p>Every change (group update, attach, detach) moves the instance's {@code config_seq}; the
 * workflow applies the group's current values and records the sequence it applied. Dynamic
 * parameters are set live and written to the file; restart-required ones are written to the file
 * and leave the instance in RESTART_REQUIRED until a restart. A restart that fails because of a new
 * file puts back the file the engine last started with and reports a fault on the instance.
 */
final class ConfigurationWorkflow implements ConfigurationHook {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationWorkflow.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigurationRepository repository;
    private final InstanceRepository instances;
    private final ConfigRenderers renderers;
    private final InstanceContexts contexts;
    private final InstanceLocks locks;
    private final WorkflowScheduler scheduler;
    private final BiFunction<InstancesRecord, Map<String, String>, ApplyPlan.InstancePlan> planner;
    private final OneTimeTask<Void> configure;

    /** @param planner what applying values to an instance changes (live, at restart), by the group's rules */
    ConfigurationWorkflow(ConfigurationRepository repository, InstanceRepository instances, ConfigRenderers renderers,
            InstanceContexts contexts, InstanceLocks locks, WorkflowScheduler scheduler,
            BiFunction<InstancesRecord, Map<String, String>, ApplyPlan.InstancePlan> planner) {
        this.repository = requireNonNull(repository, "repository is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.renderers = requireNonNull(renderers, "renderers is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.planner = requireNonNull(planner, "planner is null");
        this.configure = Tasks.oneTime("instance-configure", Void.class)
                .onDeadExecutionRevive()
                .execute((inst, ctx) -> runConfigure(inst.getId()));
        scheduler.register(configure);
    }

    /** Schedules the apply workflow of the instance (once, however often it is called). */
    void schedule(String instanceId) {
        scheduler.schedule(configure.instance(instanceId));
    }

    private void runConfigure(String id) {
        for (int round = 0; round < 10; round++) {
            // live values go to the running engine: no restart or resize may stop it meanwhile
            if (!locks.holding(id, () -> applyNext(id))) {
                return;
            }
        }
    }

    /** Applies the instance's latest change if it is idle and has one; returns whether it did. */
    private boolean applyNext(String id) {
        Optional<InstancesRecord> found = instances.find(id);
        if (found.isEmpty() || found.get().getDeleted() || Task.valueOf(found.get().getTask()) != Task.NONE) {
            return false; // a build or restart in progress applies the values when it finishes
        }
        InstancesRecord row = found.get();
        int seq = row.getConfigSeq();
        if (seq == row.getConfigAppliedSeq()) {
            return false;
        }
        apply(row, seq);
        return true;
    }

    private void apply(InstancesRecord row, int seq) {
        String id = row.getId();
        Map<String, String> desired = row.getConfigurationId() == null ? Map.of()
                : repository.values(row.getConfigurationId());
        Optional<ConfigRenderer> renderer = renderers.forType(row.getDatastoreType());
        Optional<InstanceContext> context = contexts.context(row);
        if (renderer.isEmpty() || context.isEmpty()) {
            repository.markApplied(id, seq, row.getConfigApplied(), Boolean.TRUE.equals(row.getRestartRequired()),
                    "The configuration could not be applied: datastore '" + row.getDatastoreType() + "' version '"
                            + row.getDatastoreVersion() + "' is not available on this host.");
            return;
        }
        InstanceConfiguration target = contexts.configuration(renderer.get(), context.get());
        ApplyPlan.InstancePlan plan = planner.apply(row, desired);
        boolean restartRequired = Boolean.TRUE.equals(row.getRestartRequired()) || !plan.restart().isEmpty();
        try {
            target.write(desired);
        } catch (RuntimeException e) {
            LOG.error("Could not write the configuration of instance {}", id, e);
            repository.markApplied(id, seq, row.getConfigApplied(), Boolean.TRUE.equals(row.getRestartRequired()),
                    "The configuration could not be written: " + e.getMessage());
            return;
        }
        String fault = null;
        try {
            target.applyLive(plan.live());
        } catch (RuntimeException e) {
            LOG.warn("Instance {}: live values not applied: {}", id, e.getMessage());
            fault = "The configuration could not be applied to the running engine; it takes effect at the next "
                    + "restart: " + e.getMessage();
            restartRequired = true;
        }
        repository.markApplied(id, seq, json(desired), restartRequired, fault);
        LOG.info("Instance {}: configuration change {} applied ({} live, {} at restart)", id, seq, plan.live().size(),
                plan.restart().size());
    }

    @Override
    public void beforePrepare(InstancesRecord row, InstanceContext context) {
        Optional<ConfigRenderer> renderer = renderers.forType(row.getDatastoreType());
        if (renderer.isEmpty()) {
            return;
        }
        Map<String, String> desired = row.getConfigurationId() == null ? Map.of()
                : repository.values(row.getConfigurationId());
        contexts.configuration(renderer.get(), context).writeForPreparation(desired);
        repository.markApplied(row.getId(), row.getConfigSeq(), json(desired), false, null);
    }

    @Override
    public void restarted(String instanceId) {
        repository.clearRestartRequired(instanceId);
        instances.find(instanceId)
                .filter(r -> !r.getDeleted() && !r.getConfigSeq().equals(r.getConfigAppliedSeq()))
                .ifPresent(r -> schedule(instanceId));
    }

    @Override
    public boolean recoverRestart(InstancesRecord row, InstanceContext context, DatastoreInstance instance,
            RuntimeException failure) {
        Optional<ConfigRenderer> renderer = renderers.forType(row.getDatastoreType());
        Optional<Map<String, String>> restored = renderer.flatMap(r -> contexts.configuration(r, context).restorePrevious());
        if (restored.isEmpty()) {
            return false;
        }
        LOG.warn("Instance {} did not start with its new configuration; restoring the previous one: {}", row.getId(),
                failure.getMessage());
        instance.start();
        repository.setFault(row.getId(), "The engine did not start with the new configuration, so the previous "
                + "configuration was restored: " + failure.getMessage(), json(restored.get()));
        return true;
    }

    @Override
    public void ensureScheduled(InstancesRecord row) {
        if (Task.valueOf(row.getTask()) == Task.NONE && !row.getDeleted()
                && !row.getConfigSeq().equals(row.getConfigAppliedSeq())) {
            schedule(row.getId());
        }
    }

    static String json(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise configuration values", e);
        }
    }
}
