package io.reddwarf.core.instance;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A change of an instance ({@code PUT /instances/{id}}): any of a new name and a configuration
 * group to attach or detach.
 *
 * @param configuration empty when the request does not mention a configuration
 * @param dryRun        answer what a configuration change would do, change nothing
 */
public record InstanceUpdate(Optional<String> name, Optional<ConfigurationChange> configuration, boolean dryRun) {
    public InstanceUpdate {
        requireNonNull(name, "name is null");
        requireNonNull(configuration, "configuration is null");
    }

    /** Attach the group {@code attach}, or detach the instance's group when empty. */
    public record ConfigurationChange(Optional<String> attach) {
        public ConfigurationChange {
            requireNonNull(attach, "attach is null");
        }
    }
}
