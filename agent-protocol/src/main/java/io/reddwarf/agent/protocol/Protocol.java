package io.reddwarf.agent.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The agent protocol's constants and its JSON mapping (docs/agent-protocol.md). Every request an
 * agent sends carries {@link #HEADER} with the version it speaks; the control plane refuses any
 * other version, and the agent refuses an answer that names another.
 */
public final class Protocol {
    /** The version this code speaks. */
    public static final int VERSION = 1;
    /** The header that carries the version, on requests and answers. */
    public static final String HEADER = "Reddwarf-Agent-Protocol";
    /** Where the control plane serves agents, below its agent listener's root. */
    public static final String ROOT = "/agent/v1";
    /** The longest a poll for commands waits on the control plane before answering with none. */
    public static final int MAX_WAIT_SECONDS = 30;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Protocol() {}

    /**
     * The mapping both sides use: snake_case names, unknown fields ignored (a newer peer may add
     * fields within a version; it may not change or remove them).
     */
    public static ObjectMapper json() {
        return MAPPER;
    }
}
