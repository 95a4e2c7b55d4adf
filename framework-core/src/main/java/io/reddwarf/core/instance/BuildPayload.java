package io.reddwarf.core.instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.util.List;
import java.util.Optional;

/**
 * The part of a create request the build needs later (databases and users with their passwords),
 * as stored — sealed — in the instance row until the build has used it.
 */
record BuildPayload(List<Db> databases, List<User> users) {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Db(String name, String characterSet, String collation) {}

    record User(String name, String host, String password, List<String> databases) {}

    static BuildPayload of(CreateInstanceRequest request) {
        return new BuildPayload(
                request.databases().stream()
                        .map(d -> new Db(d.name(), d.characterSet().orElse(null), d.collation().orElse(null)))
                        .toList(),
                request.users().stream()
                        .map(u -> new User(u.name(), u.host(), u.password().value(), u.databases()))
                        .toList());
    }

    PrepareRequest toPrepareRequest() {
        return new PrepareRequest(
                databases.stream()
                        .map(d -> new DatabaseSpec(d.name(), Optional.ofNullable(d.characterSet()),
                                Optional.ofNullable(d.collation())))
                        .toList(),
                users.stream()
                        .map(u -> new UserSpec(u.name(), u.host(), new Secret(u.password()), u.databases()))
                        .toList());
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise build request", e);
        }
    }

    static BuildPayload fromJson(String json) {
        try {
            return JSON.readValue(json, BuildPayload.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored build request is unreadable", e);
        }
    }
}
