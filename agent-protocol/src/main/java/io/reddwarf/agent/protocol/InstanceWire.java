package io.reddwarf.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin;
import io.reddwarf.spi.UserSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the SPI's values travel in the arguments and results of instance commands
 * (docs/agent-protocol.md, "Instance operations"). Written out field by field: the protocol's
 * shapes are its own and do not change when a Java record gains a field.
 */
public final class InstanceWire {
    private InstanceWire() {}

    /** The instance operations that only read: they change nothing a heartbeat reports on. */
    public static final java.util.Set<String> READ_ONLY = java.util.Set.of("instance.status", "instance.endpoint",
            "databases.list", "users.list", "root.is_enabled");

    /** Where an instance runs and what it is: the part of every instance command's arguments. */
    public record Spec(String type, DatastoreVersion version, Flavor flavor, String address, int port) {
        public Spec {
            require(type != null && !type.isEmpty(), "type is missing");
            require(version != null, "version is missing");
            require(flavor != null, "flavor is missing");
            require(address != null && !address.isEmpty(), "address is missing");
            require(port > 0 && port <= 65535, "port is out of range");
        }
    }

    public static ObjectNode spec(Spec spec) {
        ObjectNode node = object();
        node.put("type", spec.type());
        node.putObject("version").put("name", spec.version().name()).put("engine_version", spec.version().engineVersion());
        node.putObject("flavor").put("id", spec.flavor().id()).put("name", spec.flavor().name())
                .put("ram_mb", spec.flavor().ramMb()).put("vcpus", spec.flavor().vcpus())
                .put("disk_gb", spec.flavor().diskGb());
        node.put("address", spec.address());
        node.put("port", spec.port());
        return node;
    }

    public static Spec spec(JsonNode node) {
        JsonNode version = field(node, "version");
        JsonNode flavor = field(node, "flavor");
        return new Spec(text(node, "type"), new DatastoreVersion(text(version, "name"), text(version, "engine_version")),
                new Flavor(text(flavor, "id"), text(flavor, "name"), integer(flavor, "ram_mb"), integer(flavor, "vcpus"),
                        integer(flavor, "disk_gb")),
                text(node, "address"), integer(node, "port"));
    }

    public static ArrayNode databases(List<DatabaseSpec> databases) {
        ArrayNode list = array();
        for (DatabaseSpec db : databases) {
            ObjectNode entry = list.addObject().put("name", db.name());
            db.characterSet().ifPresent(v -> entry.put("character_set", v));
            db.collation().ifPresent(v -> entry.put("collation", v));
        }
        return list;
    }

    public static List<DatabaseSpec> databases(JsonNode node) {
        List<DatabaseSpec> databases = new ArrayList<>();
        for (JsonNode entry : list(node)) {
            databases.add(new DatabaseSpec(text(entry, "name"), optional(entry, "character_set"),
                    optional(entry, "collation")));
        }
        return databases;
    }

    /** Users with their passwords: only in arguments, never in a result. */
    public static ArrayNode users(List<UserSpec> users) {
        ArrayNode list = array();
        for (UserSpec user : users) {
            ObjectNode entry = list.addObject().put("name", user.name()).put("host", user.host())
                    .put("password", user.password().value());
            ArrayNode dbs = entry.putArray("databases");
            user.databases().forEach(dbs::add);
        }
        return list;
    }

    public static List<UserSpec> users(JsonNode node) {
        List<UserSpec> users = new ArrayList<>();
        for (JsonNode entry : list(node)) {
            users.add(new UserSpec(text(entry, "name"), text(entry, "host"), new Secret(text(entry, "password")),
                    strings(field(entry, "databases"))));
        }
        return users;
    }

    public static ObjectNode prepare(PrepareRequest request) {
        ObjectNode node = object();
        node.set("databases", databases(request.databases()));
        node.set("users", users(request.users()));
        return node;
    }

    public static PrepareRequest prepare(JsonNode node) {
        return new PrepareRequest(databases(node.path("databases")), users(node.path("users")));
    }

    /** Users as listed (no passwords). */
    public static ArrayNode listedUsers(List<UserAdmin.User> users) {
        ArrayNode list = array();
        for (UserAdmin.User user : users) {
            ArrayNode dbs = list.addObject().put("name", user.name()).put("host", user.host()).putArray("databases");
            user.databases().forEach(dbs::add);
        }
        return list;
    }

    public static List<UserAdmin.User> listedUsers(JsonNode node) {
        List<UserAdmin.User> users = new ArrayList<>();
        for (JsonNode entry : list(node)) {
            users.add(new UserAdmin.User(text(entry, "name"), text(entry, "host"), strings(field(entry, "databases"))));
        }
        return users;
    }

    public static ObjectNode update(UserAdmin.UserUpdate update) {
        ObjectNode node = object();
        update.name().ifPresent(v -> node.put("name", v));
        update.host().ifPresent(v -> node.put("host", v));
        update.password().ifPresent(v -> node.put("password", v.value()));
        return node;
    }

    public static UserAdmin.UserUpdate update(JsonNode node) {
        return new UserAdmin.UserUpdate(optional(node, "name"), optional(node, "host"),
                optional(node, "password").map(Secret::new));
    }

    public static ArrayNode passwordChanges(List<UserAdmin.PasswordChange> changes) {
        ArrayNode list = array();
        for (UserAdmin.PasswordChange change : changes) {
            list.addObject().put("name", change.name()).put("host", change.host()).put("password", change.password().value());
        }
        return list;
    }

    public static List<UserAdmin.PasswordChange> passwordChanges(JsonNode node) {
        List<UserAdmin.PasswordChange> changes = new ArrayList<>();
        for (JsonNode entry : list(node)) {
            changes.add(new UserAdmin.PasswordChange(text(entry, "name"), text(entry, "host"),
                    new Secret(text(entry, "password"))));
        }
        return changes;
    }

    /** Configuration values: an object of text values, in name order. */
    public static ObjectNode values(java.util.Map<String, String> values) {
        ObjectNode node = object();
        new java.util.TreeMap<>(values).forEach(node::put);
        return node;
    }

    public static java.util.Map<String, String> values(JsonNode node) {
        require(node != null && node.isObject(), "values must be an object");
        java.util.Map<String, String> values = new java.util.TreeMap<>();
        node.fields().forEachRemaining(e -> {
            require(e.getValue().isTextual(), "value of " + e.getKey() + " must be text");
            values.put(e.getKey(), e.getValue().asText());
        });
        return values;
    }

    public static ArrayNode strings(List<String> values) {
        ArrayNode list = array();
        values.forEach(list::add);
        return list;
    }

    public static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        for (JsonNode entry : list(node)) {
            require(entry.isTextual(), "a list holds something other than text");
            values.add(entry.asText());
        }
        return values;
    }

    /** The text field {@code name}; refuses a missing or non-text one. */
    public static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        require(value.isTextual(), name + " must be text");
        return value.asText();
    }

    public static Optional<String> optional(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        require(value.isTextual(), name + " must be text");
        return Optional.of(value.asText());
    }

    public static int integer(JsonNode node, String name) {
        JsonNode value = field(node, name);
        require(value.isInt(), name + " must be a whole number");
        return value.asInt();
    }

    public static JsonNode field(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        require(value != null && !value.isNull(), name + " is missing");
        return value;
    }

    private static Iterable<JsonNode> list(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        require(node.isArray(), "a list was expected");
        return node;
    }

    private static ObjectNode object() {
        return Protocol.json().createObjectNode();
    }

    private static ArrayNode array() {
        return Protocol.json().createArrayNode();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
