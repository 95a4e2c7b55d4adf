package io.reddwarf.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.reddwarf.core.configuration.ApplyPlan;
import io.reddwarf.core.configuration.ConfigurationService.VersionParameter;
import io.reddwarf.core.configuration.ConfigurationView;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** The JSON documents of configuration groups and parameters, as Trove v1.0 renders them. */
final class ConfigurationViews {
    private ConfigurationViews() {
    }

    /** A group in a list: no values. */
    record Summary(
            String id,
            String name,
            String description,
            String created,
            String updated,
            @JsonProperty("datastore_name") String datastoreName,
            @JsonProperty("datastore_version_id") String datastoreVersionId,
            @JsonProperty("datastore_version_name") String datastoreVersionName) {

        static Summary of(ConfigurationView c) {
            return new Summary(c.id(), c.name(), c.description().orElse(null), Views.time(c.created()),
                    Views.time(c.updated()), c.datastoreType(), c.datastoreVersionId(), c.datastoreVersion());
        }
    }

    /** One group with its values and the number of instances using it. */
    record Detail(
            String id,
            String name,
            String description,
            Map<String, Object> values,
            String created,
            String updated,
            @JsonProperty("instance_count") int instanceCount,
            @JsonProperty("datastore_name") String datastoreName,
            @JsonProperty("datastore_version_id") String datastoreVersionId,
            @JsonProperty("datastore_version_name") String datastoreVersionName) {

        static Detail of(ConfigurationView c) {
            return new Detail(c.id(), c.name(), c.description().orElse(null), c.values(), Views.time(c.created()),
                    Views.time(c.updated()), c.instanceCount(), c.datastoreType(), c.datastoreVersionId(),
                    c.datastoreVersion());
        }
    }

    record InstanceRef(String id, String name) {
    }

    /** A parameter: Trove names the bounds {@code min} and {@code max} and leaves them out when unbounded. */
    record Parameter(
            String name,
            @JsonProperty("datastore_version_id") String datastoreVersionId,
            @JsonProperty("restart_required") boolean restartRequired,
            String type,
            BigInteger min,
            BigInteger max) {

        static Parameter of(VersionParameter p) {
            return new Parameter(p.parameter().name(), p.datastoreVersionId(), p.parameter().restartRequired(),
                    p.parameter().type().troveName(), p.parameter().min().orElse(null),
                    p.parameter().max().orElse(null));
        }
    }

    /** The answer of a dry run. */
    record Plan(List<InstancePlan> instances) {
        static Map<String, Object> of(ApplyPlan plan) {
            return Map.of("plan", new Plan(plan.instances().stream()
                    .map(i -> new InstancePlan(i.id(), i.name(), i.live(), i.restart(), i.statusAfter().name()))
                    .toList()));
        }
    }

    record InstancePlan(
            String id,
            String name,
            @JsonProperty("apply_live") Map<String, String> applyLive,
            @JsonProperty("restart_required") Map<String, String> restartRequired,
            @JsonProperty("status_after") String statusAfter) {
    }
}
