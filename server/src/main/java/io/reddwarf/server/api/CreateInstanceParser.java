package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads Trove's instance-create body into a {@link CreateInstanceRequest}, checking shapes and types
 * (the datastore's own naming rules are checked by the core). Fields of Trove's request that only
 * matter on a cloud ({@code nics}, {@code availability_zone}, {@code region_name}, {@code access},
 * {@code volume.type}) are accepted and ignored; features not implemented yet are refused with 501
 * rather than silently dropped.
 */
final class CreateInstanceParser {
    static final int MAX_NAME_LENGTH = 255;
    private static final Pattern FORBIDDEN_NAME_CHARS = Pattern.compile("[\"'`\\\\\\p{Cntrl}]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final List<String> NOT_IMPLEMENTED = List.of(
            "replica_of", "replica_count", "locality", "modules");

    private CreateInstanceParser() {
    }

    static CreateInstanceRequest parse(byte[] body) {
        JsonNode root = Json.object(body);
        JsonNode instance = root.get("instance");
        if (instance == null || !instance.isObject()) {
            throw bad("The request body must contain an 'instance' object.");
        }
        for (String field : NOT_IMPLEMENTED) {
            JsonNode value = instance.get(field);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                throw new ReddwarfException(ErrorCode.NOT_IMPLEMENTED,
                        "Creating an instance with '" + field + "' is not implemented.");
            }
        }
        return new CreateInstanceRequest(
                name(instance.get("name")),
                flavorRef(instance.get("flavorRef")),
                volumeSize(instance.get("volume")),
                datastoreField(instance.get("datastore"), "type"),
                datastoreField(instance.get("datastore"), "version"),
                databases(instance.get("databases")),
                users(instance.get("users")),
                configurationId(instance.get("configuration")),
                restorePoint(instance.get("restorePoint")));
    }

    /** {@code "restorePoint": {"backupRef": "<backup id>"}}. */
    private static Optional<String> restorePoint(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        JsonNode ref = node.isObject() ? node.get("backupRef") : null;
        if (ref == null || !ref.isTextual() || ref.textValue().isBlank()) {
            throw bad("The restorePoint must be an object with a backupRef.");
        }
        return Optional.of(ref.textValue());
    }

    /** The configuration group to start with: its id, or absent ({@code null} and {@code ""} too). */
    private static Optional<String> configurationId(JsonNode node) {
        if (node == null || node.isNull() || node.isTextual() && node.textValue().isEmpty()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw bad("The configuration must be the id of a configuration group.");
        }
        return Optional.of(node.textValue());
    }

    private static String name(JsonNode node) {
        if (node == null || node.isNull()) {
            throw bad("The instance name is required.");
        }
        if (!node.isTextual()) {
            throw bad("The instance name must be a string.");
        }
        String name = node.textValue();
        if (name.isBlank()) {
            throw bad("The instance name must not be blank.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw bad("The instance name must be at most " + MAX_NAME_LENGTH + " characters long.");
        }
        if (FORBIDDEN_NAME_CHARS.matcher(name).find()) {
            throw bad("The instance name must not contain quotes, backticks, backslashes or control characters.");
        }
        return name;
    }

    /** A flavor id, given as a string, a number or a flavor URL as Trove allows. */
    private static String flavorRef(JsonNode node) {
        if (node == null || node.isNull()) {
            throw bad("The flavorRef is required.");
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return Integer.toString(node.intValue());
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw bad("The flavorRef must be a flavor id.");
        }
        String ref = node.textValue().strip();
        int slash = ref.lastIndexOf('/');
        return slash >= 0 && ref.startsWith("http") ? ref.substring(slash + 1) : ref;
    }

    private static int volumeSize(JsonNode volume) {
        if (volume == null || volume.isNull()) {
            throw bad("A volume size is required.");
        }
        if (!volume.isObject()) {
            throw bad("The volume must be an object with a size.");
        }
        JsonNode size = volume.get("size");
        if (size == null || size.isNull()) {
            throw bad("A volume size is required.");
        }
        int value;
        if (size.isIntegralNumber() && size.canConvertToInt()) {
            value = size.intValue();
        } else if (size.isTextual() && DIGITS.matcher(size.textValue()).matches()) {
            value = Integer.parseInt(size.textValue());
        } else {
            throw bad("The volume size must be a positive integer.");
        }
        if (value <= 0) {
            throw bad("The volume size must be a positive integer.");
        }
        return value;
    }

    private static Optional<String> datastoreField(JsonNode datastore, String field) {
        if (datastore == null || datastore.isNull()) {
            return Optional.empty();
        }
        if (!datastore.isObject()) {
            throw bad("The datastore must be an object with a type and a version.");
        }
        JsonNode value = datastore.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw bad("The datastore " + field + " must be a non-empty string.");
        }
        return Optional.of(value.textValue());
    }

    static List<DatabaseSpec> databases(JsonNode node) {
        List<DatabaseSpec> result = new ArrayList<>();
        for (JsonNode db : array(node, "databases")) {
            if (!db.isObject()) {
                throw bad("Each entry of 'databases' must be an object with a name.");
            }
            result.add(new DatabaseSpec(
                    requiredText(db, "name", "Each database needs a name."),
                    optionalText(db, "character_set"),
                    optionalText(db, "collate")));
        }
        return result;
    }

    static List<UserSpec> users(JsonNode node) {
        List<UserSpec> result = new ArrayList<>();
        for (JsonNode user : array(node, "users")) {
            if (!user.isObject()) {
                throw bad("Each entry of 'users' must be an object with a name and a password.");
            }
            String name = requiredText(user, "name", "Each user needs a name.");
            String password = requiredText(user, "password", "Each user needs a password.");
            String host = optionalText(user, "host").orElse("%");
            List<String> databases = new ArrayList<>();
            for (JsonNode db : array(user.get("databases"), "users[].databases")) {
                if (!db.isObject()) {
                    throw bad("Each entry of a user's 'databases' must be an object with a name.");
                }
                databases.add(requiredText(db, "name", "Each database of a user needs a name."));
            }
            result.add(new UserSpec(name, host, new Secret(password), databases));
        }
        return result;
    }

    static Iterable<JsonNode> array(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw bad("'" + field + "' must be a list.");
        }
        return node;
    }

    static String requiredText(JsonNode object, String field, String missingMessage) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            throw bad(missingMessage);
        }
        if (!value.isTextual()) {
            throw bad("'" + field + "' must be a string.");
        }
        return value.textValue();
    }

    static Optional<String> optionalText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw bad("'" + field + "' must be a string.");
        }
        return value.textValue().isEmpty() ? Optional.empty() : Optional.of(value.textValue());
    }

    private static ReddwarfException bad(String message) {
        return ReddwarfException.badRequest(message);
    }
}
