package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What {@link DatastoreInstance#prepare(PrepareRequest)} creates besides the engine itself. */
public record PrepareRequest(List<DatabaseSpec> databases, List<UserSpec> users) {
    public PrepareRequest {
        databases = List.copyOf(requireNonNull(databases, "databases is null"));
        users = List.copyOf(requireNonNull(users, "users is null"));
    }

    public static PrepareRequest empty() {
        return new PrepareRequest(List.of(), List.of());
    }
}
