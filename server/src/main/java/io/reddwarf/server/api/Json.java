package io.reddwarf.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reddwarf.core.ReddwarfException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** The API's one {@link ObjectMapper}, and strict parsing of request bodies. */
public final class Json {
    static final String UNPAIRED_SURROGATE_MESSAGE =
            "The request body must not contain unpaired UTF-16 surrogates: text must be valid Unicode.";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a request body that must be a JSON object.
     *
     * @throws ReddwarfException 400 when the body is empty, not JSON, not an object or not Unicode
     */
    static JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw ReddwarfException.badRequest("The request body is empty.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ReddwarfException.badRequest(ErrorResponses.INVALID_JSON_MESSAGE);
        } catch (IOException e) {
            throw ReddwarfException.badRequest(ErrorResponses.INVALID_JSON_MESSAGE);
        }
        if (node == null || !node.isObject()) {
            throw ReddwarfException.badRequest("The request body must be a JSON object.");
        }
        if (hasUnpairedSurrogate(node)) {
            throw ReddwarfException.badRequest(UNPAIRED_SURROGATE_MESSAGE);
        }
        return node;
    }

    /**
     * Whether a string of the document, a value or a field name, holds half of a UTF-16 surrogate
     * pair alone ({@code "\ud800x"}): such text is not Unicode, and would be stored altered.
     */
    private static boolean hasUnpairedSurrogate(JsonNode root) {
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isTextual() && hasUnpairedSurrogate(node.textValue())) {
                return true;
            }
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    if (hasUnpairedSurrogate(field.getKey())) {
                        return true;
                    }
                    pending.push(field.getValue());
                }
            } else if (node.isArray()) {
                node.forEach(pending::push);
            }
        }
        return false;
    }

    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
