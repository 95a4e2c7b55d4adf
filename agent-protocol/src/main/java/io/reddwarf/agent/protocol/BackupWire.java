package io.reddwarf.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The JSON of the backup operations' arguments and results (docs/agent-protocol.md, "Backups"). A
 * data key travels in the clear only inside a command's arguments, which the control plane keeps
 * sealed and the agent never writes down.
 */
public final class BackupWire {
    private BackupWire() {}

    /** What the pipeline stored for one backup (the pipeline's own record, on the wire). */
    public record Stored(String objectKey, long size, long rawSize, String sha256, String keyId, String wrappedKey,
            BackupMetadata metadata) {}

    /**
     * A data key: its id and wrapped form, as stored with the backup, and its 32 bytes.
     */
    public record Key(String keyId, String wrappedKey, byte[] material) {
        public Key {
            require(keyId != null && wrappedKey != null, "a data key names its key id and wrapped form");
            require(material != null && material.length == 32, "a data key has 32 bytes");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.keyId.equals(keyId) && k.wrappedKey.equals(wrappedKey)
                    && Arrays.equals(k.material, material);
        }

        @Override
        public int hashCode() {
            return wrappedKey.hashCode();
        }

        @Override
        public String toString() {
            return "Key[keyId=" + keyId + "]";
        }
    }

    public static ObjectNode metadata(BackupMetadata metadata) {
        ObjectNode node = Protocol.json().createObjectNode().put("strategy", metadata.strategy());
        node.set("properties", InstanceWire.values(metadata.properties()));
        return node;
    }

    public static BackupMetadata metadata(JsonNode node) {
        Map<String, String> properties = node.hasNonNull("properties") ? InstanceWire.values(node.get("properties")) : Map.of();
        return new BackupMetadata(InstanceWire.text(node, "strategy"), properties);
    }

    public static ObjectNode stored(Stored stored) {
        ObjectNode node = Protocol.json().createObjectNode()
                .put("object_key", stored.objectKey())
                .put("size", stored.size())
                .put("raw_size", stored.rawSize())
                .put("sha256", stored.sha256())
                .put("key_id", stored.keyId())
                .put("wrapped_key", stored.wrappedKey());
        node.set("metadata", metadata(stored.metadata()));
        return node;
    }

    public static Stored stored(JsonNode node) {
        return new Stored(InstanceWire.text(node, "object_key"), count(node, "size"), count(node, "raw_size"),
                InstanceWire.text(node, "sha256"), InstanceWire.text(node, "key_id"), InstanceWire.text(node, "wrapped_key"),
                metadata(InstanceWire.field(node, "metadata")));
    }

    public static ObjectNode key(Key key) {
        return Protocol.json().createObjectNode().put("key_id", key.keyId()).put("wrapped_key", key.wrappedKey())
                .put("material", Base64.getEncoder().encodeToString(key.material()));
    }

    public static Key key(JsonNode node) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(InstanceWire.text(node, "material"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a data key's material is not base64");
        }
        return new Key(InstanceWire.text(node, "key_id"), InstanceWire.text(node, "wrapped_key"), material);
    }

    private static long count(JsonNode node, String name) {
        JsonNode value = InstanceWire.field(node, name);
        require(value.canConvertToLong() && value.isIntegralNumber() && value.asLong() >= 0, name + " must be a count");
        return value.asLong();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
