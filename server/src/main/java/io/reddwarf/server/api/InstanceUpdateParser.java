package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.InstanceUpdate;
import java.util.Optional;

/** Reads Trove's instance-update body {@code {"instance": {"name": ..., "configuration": ...}}}. */
final class InstanceUpdateParser {
    private InstanceUpdateParser() {
    }

    static InstanceUpdate parse(byte[] body, boolean dryRun) {
        JsonNode root = Json.object(body);
        JsonNode instance = root.get("instance");
        if (instance == null || !instance.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain an 'instance' object.");
        }
        Optional<String> name = Optional.empty();
        JsonNode nameNode = instance.get("name");
        if (nameNode != null && !nameNode.isNull()) {
            if (!nameNode.isTextual()) {
                throw ReddwarfException.badRequest("The instance name must be a string.");
            }
            name = Optional.of(nameNode.textValue());
        }
        return new InstanceUpdate(name, ConfigurationParser.instanceChange(instance), dryRun);
    }
}
