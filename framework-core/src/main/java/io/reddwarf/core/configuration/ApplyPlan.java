package io.reddwarf.core.configuration;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.instance.InstanceStatus;
import java.util.List;
import java.util.Map;

/**
 * What a configuration change would do (a dry run): for every affected instance, the values applied
 * to the running engine and those that wait for a restart, and the status it would have.
 */
public record ApplyPlan(List<InstancePlan> instances) {
    public ApplyPlan {
        instances = List.copyOf(requireNonNull(instances, "instances is null"));
    }

    /**
     * @param live    values set on the running engine at once ({@code SET GLOBAL})
     * @param restart values that take effect at the next restart
     */
    public record InstancePlan(String id, String name, Map<String, String> live, Map<String, String> restart,
            InstanceStatus statusAfter) {
        public InstancePlan {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            live = Map.copyOf(requireNonNull(live, "live is null"));
            restart = Map.copyOf(requireNonNull(restart, "restart is null"));
            requireNonNull(statusAfter, "statusAfter is null");
        }
    }
}
