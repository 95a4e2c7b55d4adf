package io.reddwarf.core.persistence;

import static io.reddwarf.core.db.Tables.CONFIGURATIONS;
import static io.reddwarf.core.db.Tables.CONFIGURATION_VALUES;
import static io.reddwarf.core.db.Tables.INSTANCES;
import static io.reddwarf.core.db.Tables.PARAMETER_RULES;
import static io.reddwarf.core.persistence.InstanceRepository.utc;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.db.tables.records.ConfigurationsRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.db.tables.records.ParameterRulesRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * SQL for configuration groups ({@code configurations}, {@code configuration_values}) and for the
 * configuration columns of {@code instances}.
 */
public final class ConfigurationRepository {
    private final DSLContext dsl;

    public ConfigurationRepository(DSLContext dsl) {
        this.dsl = requireNonNull(dsl, "dsl is null");
    }

    /** Inserts the group and its values in one transaction. */
    public void insert(ConfigurationsRecord row, Map<String, String> values) {
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.executeInsert(row);
            insertValues(t, row.getId(), values);
        });
    }

    private static void insertValues(DSLContext t, String id, Map<String, String> values) {
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            t.insertInto(CONFIGURATION_VALUES)
                    .set(CONFIGURATION_VALUES.CONFIGURATION_ID, id)
                    .set(CONFIGURATION_VALUES.PARAM_NAME, e.getKey())
                    .set(CONFIGURATION_VALUES.PARAM_VALUE, e.getValue())
                    .execute();
        }
    }

    /** The group, also a deleted one. */
    public Optional<ConfigurationsRecord> find(String id) {
        return dsl.selectFrom(CONFIGURATIONS).where(CONFIGURATIONS.ID.eq(id)).fetchOptional();
    }

    public Optional<ConfigurationsRecord> findLive(String projectId, String id) {
        return dsl.selectFrom(CONFIGURATIONS)
                .where(CONFIGURATIONS.ID.eq(id), CONFIGURATIONS.PROJECT_ID.eq(projectId),
                        CONFIGURATIONS.DELETED.isFalse())
                .fetchOptional();
    }

    public List<ConfigurationsRecord> listLive(String projectId) {
        return dsl.selectFrom(CONFIGURATIONS)
                .where(CONFIGURATIONS.PROJECT_ID.eq(projectId), CONFIGURATIONS.DELETED.isFalse())
                .orderBy(CONFIGURATIONS.CREATED_AT, CONFIGURATIONS.ID)
                .fetch();
    }

    /** The group's values by name. */
    public Map<String, String> values(String id) {
        Map<String, String> values = new TreeMap<>();
        dsl.select(CONFIGURATION_VALUES.PARAM_NAME, CONFIGURATION_VALUES.PARAM_VALUE)
                .from(CONFIGURATION_VALUES)
                .where(CONFIGURATION_VALUES.CONFIGURATION_ID.eq(id))
                .forEach(r -> values.put(r.value1(), r.value2()));
        return values;
    }

    /**
     * Sets the group's name and description and its values ({@code replace}) or merges
     * {@code values} into them, and asks every attached live instance to apply them (its
     * {@code config_seq} moves on), in one transaction that locks the group's row, so concurrent
     * merges do not lose each other's values. Returns those instances' ids.
     */
    public List<String> update(String id, String name, String description, Map<String, String> values,
            boolean replace) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            t.selectFrom(CONFIGURATIONS).where(CONFIGURATIONS.ID.eq(id)).forUpdate().fetchOne();
            Map<String, String> merged = new TreeMap<>();
            if (!replace) {
                t.select(CONFIGURATION_VALUES.PARAM_NAME, CONFIGURATION_VALUES.PARAM_VALUE)
                        .from(CONFIGURATION_VALUES)
                        .where(CONFIGURATION_VALUES.CONFIGURATION_ID.eq(id))
                        .forEach(r -> merged.put(r.value1(), r.value2()));
            }
            merged.putAll(values);
            t.update(CONFIGURATIONS)
                    .set(CONFIGURATIONS.NAME, name)
                    .set(CONFIGURATIONS.DESCRIPTION, description)
                    .set(CONFIGURATIONS.UPDATED_AT, utc(Instant.now()))
                    .where(CONFIGURATIONS.ID.eq(id))
                    .execute();
            t.deleteFrom(CONFIGURATION_VALUES).where(CONFIGURATION_VALUES.CONFIGURATION_ID.eq(id)).execute();
            insertValues(t, id, merged);
            List<String> instances = t.select(INSTANCES.ID).from(INSTANCES)
                    .where(INSTANCES.CONFIGURATION_ID.eq(id), INSTANCES.DELETED.isFalse())
                    .fetch(INSTANCES.ID);
            t.update(INSTANCES)
                    .set(INSTANCES.CONFIG_SEQ, INSTANCES.CONFIG_SEQ.plus(1))
                    .where(INSTANCES.CONFIGURATION_ID.eq(id), INSTANCES.DELETED.isFalse())
                    .execute();
            return instances;
        });
    }

    /** Marks the group deleted unless a live instance uses it; returns whether it was deleted. */
    public boolean deleteIfUnused(String id) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            if (t.fetchExists(INSTANCES, INSTANCES.CONFIGURATION_ID.eq(id), INSTANCES.DELETED.isFalse())) {
                return false;
            }
            Instant now = Instant.now();
            t.update(CONFIGURATIONS)
                    .set(CONFIGURATIONS.DELETED, true)
                    .set(CONFIGURATIONS.DELETED_AT, utc(now))
                    .set(CONFIGURATIONS.UPDATED_AT, utc(now))
                    .where(CONFIGURATIONS.ID.eq(id))
                    .execute();
            return true;
        });
    }

    /** Live instances that use the group, oldest first. */
    public List<InstancesRecord> instancesOf(String id) {
        return dsl.selectFrom(INSTANCES)
                .where(INSTANCES.CONFIGURATION_ID.eq(id), INSTANCES.DELETED.isFalse())
                .orderBy(INSTANCES.CREATED_AT, INSTANCES.ID)
                .fetch();
    }

    /** Number of live instances per group id, for the project's groups. */
    public int countInstances(String id) {
        return dsl.fetchCount(INSTANCES, INSTANCES.CONFIGURATION_ID.eq(id), INSTANCES.DELETED.isFalse());
    }

    /**
     * Attaches ({@code configurationId} set) or detaches (null) the instance's group if it still
     * has {@code expected}, and asks for the values to be applied. Returns whether it changed.
     */
    public boolean setConfiguration(String instanceId, String expected, String configurationId) {
        return dsl.update(INSTANCES)
                .set(INSTANCES.CONFIGURATION_ID, configurationId)
                .set(INSTANCES.CONFIG_SEQ, INSTANCES.CONFIG_SEQ.plus(1))
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(instanceId), INSTANCES.DELETED.isFalse(),
                        expected == null ? INSTANCES.CONFIGURATION_ID.isNull() : INSTANCES.CONFIGURATION_ID.eq(expected))
                .execute() == 1;
    }

    /**
     * Records that the values of change {@code seq} are in the instance's file (and live where they
     * can be): {@code applied} is their JSON, {@code restartRequired} whether some wait for a restart,
     * {@code fault} why part of the apply failed (null when it did not).
     */
    public void markApplied(String instanceId, int seq, String applied, boolean restartRequired, String fault) {
        Instant now = Instant.now();
        var update = dsl.update(INSTANCES)
                .set(INSTANCES.CONFIG_APPLIED_SEQ, seq)
                .set(INSTANCES.CONFIG_APPLIED, applied)
                .set(INSTANCES.RESTART_REQUIRED, restartRequired)
                .set(INSTANCES.CONFIG_FAULT, fault == null ? null : truncate(fault))
                .set(INSTANCES.CONFIG_FAULT_AT, fault == null ? null : utc(now))
                .set(INSTANCES.UPDATED_AT, utc(now));
        update.where(INSTANCES.ID.eq(instanceId)).execute();
    }

    /** The engine started with the current file: nothing waits for a restart any more. */
    public void clearRestartRequired(String instanceId) {
        dsl.update(INSTANCES)
                .set(INSTANCES.RESTART_REQUIRED, false)
                .set(INSTANCES.UPDATED_AT, utc(Instant.now()))
                .where(INSTANCES.ID.eq(instanceId), INSTANCES.RESTART_REQUIRED.isTrue())
                .execute();
    }

    /** Records why the configuration could not be applied, shown as the instance's fault. */
    public void setFault(String instanceId, String fault, String applied) {
        Instant now = Instant.now();
        dsl.update(INSTANCES)
                .set(INSTANCES.CONFIG_FAULT, truncate(fault))
                .set(INSTANCES.CONFIG_FAULT_AT, utc(now))
                .set(INSTANCES.CONFIG_APPLIED, applied)
                .set(INSTANCES.RESTART_REQUIRED, false)
                .set(INSTANCES.UPDATED_AT, utc(now))
                .where(INSTANCES.ID.eq(instanceId))
                .execute();
    }

    private static String truncate(String message) {
        return message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    /** The operators' rules of a datastore version, removed ones included. */
    public List<ParameterRulesRecord> parameterRules(String type, String version) {
        return dsl.selectFrom(PARAMETER_RULES)
                .where(PARAMETER_RULES.DATASTORE_TYPE.eq(type), PARAMETER_RULES.DATASTORE_VERSION.eq(version))
                .orderBy(PARAMETER_RULES.NAME)
                .fetch();
    }

    /** Records an operator's rule (or its removal), replacing an earlier one of the same name. */
    public void saveParameterRule(ParameterRulesRecord rule) {
        rule.setUpdatedAt(utc(Instant.now()));
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.deleteFrom(PARAMETER_RULES)
                    .where(PARAMETER_RULES.DATASTORE_TYPE.eq(rule.getDatastoreType()),
                            PARAMETER_RULES.DATASTORE_VERSION.eq(rule.getDatastoreVersion()),
                            PARAMETER_RULES.NAME.eq(rule.getName()))
                    .execute();
            t.executeInsert(rule);
        });
    }
}
