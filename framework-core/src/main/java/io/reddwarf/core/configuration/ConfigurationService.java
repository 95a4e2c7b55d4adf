package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.ConfigRenderer.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration groups of a project and the parameters datastore versions allow. Another project's
 * group is treated exactly like a missing one (404). Changes are recorded at once and applied to
 * attached instances by a durable workflow.
 */
public interface ConfigurationService {

    List<ConfigurationView> list(String projectId);

    /** When the project's configuration group was created, also once it is deleted; empty when it is not the project's. */
    Optional<java.time.Instant> createdAt(String projectId, String configurationId);

    /** @throws io.reddwarf.core.ReddwarfException 404 if missing, deleted or another project's */
    ConfigurationView get(String projectId, String id);

    /** Validates the values against the version's rules (422 with Trove's message) and records the group. */
    ConfigurationView create(String projectId, CreateConfigurationRequest request);

    /**
     * Changes the group and re-applies it to every attached instance; with {@code dryRun} changes
     * nothing and answers what would happen.
     */
    ApplyPlan update(String projectId, String id, ConfigurationUpdate update, boolean dryRun);

    /** Deletes the group; 400 while an instance uses it. */
    void delete(String projectId, String id);

    /** The live instances that use the group: id and name. */
    List<Map.Entry<String, String>> instances(String projectId, String id);

    /** The parameters of a datastore version, by names or ids. */
    List<VersionParameter> parameters(String datastore, String version);

    /** The parameters of a datastore version by its id alone. */
    List<VersionParameter> parametersByVersionId(String versionId);

    /**
     * Offers a parameter of the driver that was removed, with the given rule (administrators).
     *
     * @throws io.reddwarf.core.ReddwarfException 400 if the driver does not know it, if it is offered
     *         already, or if the rule is wider than the driver's
     */
    VersionParameter addParameter(String versionId, Parameter rule);

    /** Narrows an offered parameter's rule (administrators); 404 if it is not offered. */
    VersionParameter updateParameter(String versionId, Parameter rule);

    /** Stops offering a parameter (administrators); groups can no longer set it. */
    void removeParameter(String versionId, String name);

    /** The values an instance runs with: those derived from its flavor, then its group's. */
    Map<String, Object> effective(String projectId, String instanceId);

    /**
     * Attaches the group to the instance ({@code configurationId} present) or detaches the
     * instance's group (empty); with {@code dryRun} changes nothing and answers what would happen.
     */
    ApplyPlan attach(String projectId, String instanceId, Optional<String> configurationId, boolean dryRun);

    /**
     * Checks that a new instance of this datastore version may use the group.
     *
     * @throws io.reddwarf.core.ReddwarfException 404 for an unknown group, 400 for another version
     */
    void checkForNewInstance(String projectId, String configurationId, String datastoreType, String datastoreVersion);

    /** A parameter with the id of its datastore version. */
    record VersionParameter(Parameter parameter, String datastoreVersionId) {
        public VersionParameter {
            requireNonNull(parameter, "parameter is null");
            requireNonNull(datastoreVersionId, "datastoreVersionId is null");
        }
    }
}
