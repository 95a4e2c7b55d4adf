package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.configuration.ConfigurationUpdate;
import io.reddwarf.core.configuration.CreateConfigurationRequest;
import io.reddwarf.core.instance.InstanceUpdate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Trove's configuration-group bodies and the configuration part of an instance update. Values
 * become text: numbers exactly as written (also beyond 64 bits), booleans {@code true}/{@code false};
 * the datastore's rules check them in the core.
 */
final class ConfigurationParser {
    private ConfigurationParser() {
    }

    static CreateConfigurationRequest create(byte[] body) {
        JsonNode configuration = configuration(body);
        JsonNode name = configuration.get("name");
        if (name == null || name.isNull()) {
            throw ReddwarfException.badRequest("The configuration group name is required.");
        }
        if (!name.isTextual()) {
            throw ReddwarfException.badRequest("The configuration group name must be a string.");
        }
        JsonNode datastore = configuration.get("datastore");
        if (datastore != null && !datastore.isNull() && !datastore.isObject()) {
            throw ReddwarfException.badRequest("The datastore must be an object with a type and a version.");
        }
        return new CreateConfigurationRequest(name.textValue(), text(configuration, "description"),
                datastore == null ? Optional.empty() : text(datastore, "type"),
                datastore == null ? Optional.empty() : text(datastore, "version"),
                values(configuration.get("values"), true));
    }

    /** PUT replaces the values, PATCH merges them. */
    static ConfigurationUpdate update(byte[] body, boolean replace) {
        JsonNode configuration = configuration(body);
        return new ConfigurationUpdate(text(configuration, "name"), text(configuration, "description"),
                values(configuration.get("values"), true), replace);
    }

    /**
     * The configuration part of {@code {"instance": {...}}}: an id attaches, {@code null} or
     * {@code ""} detaches (the CLI's {@code configuration detach} sends null); empty when absent.
     */
    static Optional<InstanceUpdate.ConfigurationChange> instanceChange(JsonNode instance) {
        if (!instance.has("configuration")) {
            return Optional.empty();
        }
        JsonNode value = instance.get("configuration");
        if (value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            return Optional.of(new InstanceUpdate.ConfigurationChange(Optional.empty()));
        }
        if (!value.isTextual()) {
            throw ReddwarfException.badRequest("The configuration must be the id of a configuration group.");
        }
        return Optional.of(new InstanceUpdate.ConfigurationChange(Optional.of(value.textValue())));
    }

    private static JsonNode configuration(byte[] body) {
        JsonNode root = Json.object(body);
        JsonNode configuration = root.get("configuration");
        if (configuration == null || !configuration.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'configuration' object.");
        }
        return configuration;
    }

    private static Optional<String> text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ReddwarfException.badRequest("'" + field + "' must be a string.");
        }
        return Optional.of(value.textValue());
    }

    static Map<String, String> values(JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw ReddwarfException.badRequest("The configuration values are required.");
            }
            return Map.of();
        }
        if (!node.isObject()) {
            throw ReddwarfException.badRequest("The configuration values must be an object of parameter names and values.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String text;
            if (v.isTextual()) {
                text = v.textValue();
            } else if (v.isIntegralNumber()) {
                text = v.bigIntegerValue().toString();
            } else if (v.isNumber()) {
                // A literal beyond a double's range (1e400) is parsed as an infinity.
                if (!Double.isFinite(v.doubleValue())) {
                    throw ReddwarfException.unprocessable("The value provided for the configuration parameter "
                            + e.getKey() + " is outside the range of numbers the API accepts.");
                }
                text = v.decimalValue().toPlainString();
            } else if (v.isBoolean()) {
                text = Boolean.toString(v.booleanValue());
            } else {
                throw ReddwarfException.unprocessable("The value provided for the configuration parameter " + e.getKey()
                        + " must be a string, a number or a boolean.");
            }
            values.put(e.getKey(), text);
        }
        return values;
    }
}
