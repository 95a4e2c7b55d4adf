package io.reddwarf.core.account;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The superuser of an instance was enabled by {@code enabledBy} (a project id) at {@code enabledAt}. */
public record RootEvent(String instanceId, String enabledBy, Instant enabledAt) {
    public RootEvent {
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(enabledBy, "enabledBy is null");
        requireNonNull(enabledAt, "enabledAt is null");
    }
}
