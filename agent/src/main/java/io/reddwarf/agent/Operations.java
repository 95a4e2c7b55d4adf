package io.reddwarf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.Plugins;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations this agent carries out, by name. An operation is <em>repeatable</em> when running
 * it again after an interruption is safe (its effect is the same); a delivery of a command that
 * started but whose agent stopped before its result was recorded runs again only then, and
 * otherwise ends as {@code interrupted} for the control plane to decide.
 */
final class Operations {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    /** One operation. */
    interface Operation {
        boolean repeatable();

        JsonNode apply(Command command);

        /** Undoes what an interrupted run of a repeatable operation may have left, before it runs again. */
        default void recover(Command command) {}
    }

    private final Map<String, Operation> byName = new TreeMap<>();
    private final InstanceOperations instances;
    private final BackupOperations backups;

    Operations(String agentVersion, List<Datastore> drivers) {
        this(agentVersion, drivers, null, null);
    }

    /** With the instance and backup operations of {@code instances} and {@code backups}, when they are given. */
    Operations(String agentVersion, List<Datastore> drivers, InstanceOperations instances, BackupOperations backups) {
        this.instances = instances;
        this.backups = backups;
        if (instances != null) {
            instances.register(this);
        }
        if (backups != null) {
            backups.register(this);
        }
        add("agent.ping", true, command -> {
            ObjectNode answer = Protocol.json().createObjectNode();
            answer.put("agent_version", agentVersion);
            answer.set("echo", command.arguments());
            return answer;
        });
        add("agent.datastores", true, command -> {
            ArrayNode list = Protocol.json().createArrayNode();
            for (Datastore driver : drivers) {
                ObjectNode entry = list.addObject().put("type", driver.type());
                ArrayNode versions = entry.putArray("versions");
                for (DatastoreVersion version : driver.versions()) {
                    versions.add(version.name());
                }
            }
            return Protocol.json().createObjectNode().set("datastores", list);
        });
    }

    /** The engines' health for a heartbeat (none when this agent runs no instances). */
    List<io.reddwarf.agent.protocol.Heartbeat.InstanceHealth> health(java.util.Set<String> busy,
            java.time.Duration budget) {
        return instances == null ? List.of() : instances.health(busy, budget);
    }

    /** How far the running backups have got, for a heartbeat. */
    List<io.reddwarf.agent.protocol.Heartbeat.Progress> progress() {
        return backups == null ? List.of() : backups.progress();
    }

    /** The drivers on this agent's class path that load; the others are logged and left out. */
    static List<Datastore> loadDrivers(ClassLoader loader) {
        return Plugins.load(Datastore.class, loader,
                e -> LOG.error("Skipping a datastore driver that cannot be loaded: {}", e.getMessage()));
    }

    /** Adds an operation; {@code repeatable} says whether running it again after an interruption is safe. */
    void add(String name, boolean repeatable, java.util.function.Function<Command, JsonNode> body) {
        add(name, repeatable, body, command -> {});
    }

    /**
     * Adds a repeatable operation whose interrupted run may leave something behind: {@code recover}
     * removes it before the operation runs again.
     */
    void add(String name, boolean repeatable, java.util.function.Function<Command, JsonNode> body,
            java.util.function.Consumer<Command> recover) {
        Operation previous = byName.putIfAbsent(name, new Operation() {
            @Override
            public boolean repeatable() {
                return repeatable;
            }

            @Override
            public JsonNode apply(Command command) {
                return body.apply(command);
            }

            @Override
            public void recover(Command command) {
                recover.accept(command);
            }
        });
        if (previous != null) {
            throw new IllegalStateException("operation registered twice: " + name);
        }
    }

    boolean knows(String operation) {
        return byName.containsKey(operation);
    }

    boolean repeatable(String operation) {
        Operation op = byName.get(operation);
        return op != null && op.repeatable();
    }

    /** Runs the command and says how it ended; never throws for a failure of the command itself. */
    Result run(Command command) {
        return run(command, false);
    }

    /**
     * As {@link #run(Command)}; {@code interrupted} says an earlier run of this very command was cut
     * short (the agent stopped), so the operation first removes what that run left.
     */
    Result run(Command command, boolean interrupted) {
        Operation op = byName.get(command.operation());
        if (op == null) {
            return Result.failed(command.id(), "unsupported", "This agent does not know the operation '"
                    + command.operation() + "'.");
        }
        try {
            if (interrupted) {
                op.recover(command);
            }
            return Result.ok(command.id(), op.apply(command));
        } catch (NotSupportedException e) {
            return Result.notSupported(command.id(), e.operation(), e.datastoreType());
        } catch (InvalidRequestException e) {
            return Result.failed(command.id(), Result.REFUSED, String.valueOf(e.getMessage()));
        } catch (IllegalArgumentException e) {
            return Result.failed(command.id(), "invalid", String.valueOf(e.getMessage()));
        } catch (DatastoreException e) {
            return Result.failed(command.id(), "datastore", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("Operation {} of command {} failed", command.operation(), command.id(), e);
            return Result.failed(command.id(), "datastore", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
