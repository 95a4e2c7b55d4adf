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

/** The API's one {@link ObjectMapper}, and strict parsing of request bodies. */
public final class Json {
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
     * @throws ReddwarfException 400 when the body is empty, not JSON or not an object
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
        return node;
    }
}
