package io.reddwarf.core.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.spi.ObjectStore;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The control plane's view of a store that an agent reads and writes: sizes and deletions are
 * commands to the agent ({@code store.size}, {@code store.delete}); the bytes never come here, so
 * {@link #create} and {@link #open} are refused.
 */
public final class AgentObjectStore implements ObjectStore {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AgentService agents;
    private final Supplier<String> agentId;

    /** @param agentId the agent whose store it is, looked up at each call (it may be enrolled later) */
    public AgentObjectStore(AgentService agents, Supplier<String> agentId) {
        this.agents = requireNonNull(agents, "agents is null");
        this.agentId = requireNonNull(agentId, "agentId is null");
    }

    @Override
    public Upload create(String key) {
        throw new UnsupportedOperationException("backups are written by the agent, not the control plane");
    }

    @Override
    public InputStream open(String key) {
        throw new UnsupportedOperationException("backups are read by the agent, not the control plane");
    }

    @Override
    public OptionalLong size(String key) {
        JsonNode answer = call("store.size", key);
        return answer.has("size") ? OptionalLong.of(answer.get("size").asLong()) : OptionalLong.empty();
    }

    @Override
    public void delete(String key) {
        call("store.delete", key);
    }

    /** The store is on the agent's host: while it cannot be reached, the request is refused as unavailable. */
    private JsonNode call(String operation, String key) {
        try {
            return agents.require(agentId.get(), Optional.empty(), operation,
                    Protocol.json().createObjectNode().put("key", ObjectStore.checkKey(key)), TIMEOUT);
        } catch (io.reddwarf.spi.DatastoreException e) {
            throw new ReddwarfException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The backup store on the agent's host cannot be reached: " + e.getMessage(), e);
        }
    }
}
