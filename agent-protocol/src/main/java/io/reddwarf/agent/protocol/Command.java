package io.reddwarf.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Objects;

/**
 * One thing the control plane asks an agent to do. {@code id} is chosen by the control plane and
 * names the command for good: the agent applies a command once, and answers a repeated delivery
 * of it with the result it recorded. {@code instance} is empty for commands about the agent itself.
 */
public record Command(String id, String instance, String operation, JsonNode arguments) {
    public Command {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(operation, "operation is null");
        instance = instance == null ? "" : instance;
        arguments = arguments == null ? JsonNodeFactory.instance.objectNode() : arguments;
    }

    /** What a poll answers: the commands for this agent not yet acknowledged, oldest first. */
    public record Batch(List<Command> commands) {
        public Batch {
            commands = List.copyOf(commands == null ? List.of() : commands);
        }
    }
}
