package io.reddwarf.core.instance;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** An instance as administrators see it: any project's, deleted ones included. */
public record ManagedInstance(InstanceView instance, boolean deleted, Optional<Instant> deletedAt) {
    public ManagedInstance {
        requireNonNull(instance, "instance is null");
        requireNonNull(deletedAt, "deletedAt is null");
    }
}
