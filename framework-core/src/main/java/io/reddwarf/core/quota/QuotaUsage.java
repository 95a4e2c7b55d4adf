package io.reddwarf.core.quota;

import static java.util.Objects.requireNonNull;

/** One resource of a project's quota: what is used, reserved (always 0: usage is recorded at once) and allowed. */
public record QuotaUsage(QuotaResource resource, long inUse, long reserved, int limit) {
    public QuotaUsage {
        requireNonNull(resource, "resource is null");
    }
}
