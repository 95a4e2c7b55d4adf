package io.reddwarf.core.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.reddwarf.agent.protocol.BackupWire;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.DataKeys;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.core.provider.InstanceBackups;
import io.reddwarf.core.provider.InstanceConfiguration;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatabaseAdmin;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.RootAdmin;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin;
import io.reddwarf.spi.UserSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A driver's handle on an instance whose driver runs in an agent: every call is a command to the
 * agent of the instance's host (docs/agent-protocol.md, "Instance operations"), and the agent's
 * failures come back as the SPI's exceptions, so the workflows cannot tell the difference.
 */
public final class AgentDatastoreInstance implements DatastoreInstance {
    /** Starting, stopping or preparing an engine: as long as a build may take. */
    private static final Duration LIFECYCLE = Duration.ofMinutes(10);
    /** Accounts and schemas. */
    private static final Duration ADMIN = Duration.ofMinutes(2);
    /** A probe: an agent that does not answer this quickly makes the engine's state unknown. */
    private static final Duration PROBE = Duration.ofSeconds(3);
    /** A backup, a restore or the check of a backup chain: as long as the biggest may take. */
    private static final Duration BACKUP = Duration.ofHours(12);
    /** How long the errors of a probe answer a following {@link #lastErrors()}. */
    private static final Duration ERRORS_REUSE = Duration.ofSeconds(1);

    private final AgentService agents;
    private final String agentId;
    private final String instanceId;
    private final InstanceWire.Spec spec;
    private final boolean certify;
    /** The last probe's answer: the health loop asks for the errors right after the status. */
    private volatile Probe lastProbe;

    public AgentDatastoreInstance(AgentService agents, String agentId, String instanceId, InstanceWire.Spec spec) {
        this(agents, agentId, instanceId, spec, false);
    }

    /**
     * @param certify whether a preparation has the agent make the instance's TLS key and have the
     *                deployment's CA certify it ({@link AgentService#certify}) before the engine starts
     */
    public AgentDatastoreInstance(AgentService agents, String agentId, String instanceId, InstanceWire.Spec spec,
            boolean certify) {
        this.certify = certify;
        this.agents = requireNonNull(agents, "agents is null");
        this.agentId = requireNonNull(agentId, "agentId is null");
        this.instanceId = requireNonNull(instanceId, "instanceId is null");
        this.spec = requireNonNull(spec, "spec is null");
    }

    @Override
    public String type() {
        return spec.type();
    }

    @Override
    public void prepare(PrepareRequest request) {
        call("instance.prepare", LIFECYCLE, args -> {
            args.set("request", InstanceWire.prepare(request));
            withPreparation(args);
        });
    }

    @Override
    public void prepareForPhysicalRestore(PrepareRequest request) {
        call("instance.prepare_for_physical_restore", LIFECYCLE, args -> {
            args.set("request", InstanceWire.prepare(request));
            withPreparation(args);
        });
    }

    /**
     * What a preparation carries besides its request: the configuration the instance starts with,
     * when the configuration service wrote it for the preparation; and the ask to make the
     * instance's TLS key, unless it has one, and have its public key certified while it prepares
     * (the private key never leaves the agent's host). Neither costs a command of its own.
     */
    private void withPreparation(ObjectNode args) {
        agents.takeConfigurationForPreparation(instanceId).ifPresent(values -> args.set("configuration",
                InstanceWire.values(values)));
        if (certify) {
            args.set("tls", Protocol.json().createObjectNode().put("request", true));
        }
    }

    @Override
    public void start() {
        call("instance.start", LIFECYCLE, args -> {});
    }

    @Override
    public void stop() {
        call("instance.stop", LIFECYCLE, args -> {});
    }

    @Override
    public void restart() {
        call("instance.restart", LIFECYCLE, args -> {});
    }

    /**
     * UNKNOWN when the agent is unreachable (not heard from for {@link AgentService#UNREACHABLE_AFTER})
     * or does not answer the probe in time: the engine may well be running, and nothing is done to it.
     */
    @Override
    public HealthStatus status() {
        return probe().map(answer -> health(answer.path("status").asText("UNKNOWN"))).orElse(HealthStatus.UNKNOWN);
    }

    /** The errors of the probe {@link #status()} just made (within a second), else of a new one. */
    @Override
    public List<String> lastErrors() {
        Probe last = lastProbe;
        Optional<JsonNode> answer = last != null && System.nanoTime() - last.atNanos() < ERRORS_REUSE.toNanos()
                ? Optional.of(last.answer()) : probe();
        return answer.map(a -> InstanceWire.strings(a.path("last_errors"))).orElse(List.of());
    }

    private record Probe(JsonNode answer, long atNanos) {}

    private static HealthStatus health(String name) {
        try {
            return HealthStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            return HealthStatus.UNKNOWN;
        }
    }

    /**
     * The engine's state: from the agent's latest heartbeat when that was gathered after the last
     * command on the instance (no command per probe), else from an {@code instance.status} command.
     */
    private Optional<JsonNode> probe() {
        Optional<JsonNode> answer = ask();
        answer.ifPresent(a -> lastProbe = new Probe(a, System.nanoTime()));
        return answer;
    }

    private Optional<JsonNode> ask() {
        if (!agents.reachable(agentId)) {
            return Optional.empty();
        }
        Optional<AgentService.Reported> reported = agents.reportedHealth(agentId, instanceId);
        if (reported.isPresent()) {
            ObjectNode answer = Protocol.json().createObjectNode().put("status", reported.get().health());
            String detail = reported.get().detail();
            answer.set("last_errors", InstanceWire.strings(detail == null || detail.isEmpty() ? List.of()
                    : List.of(detail.split("\n"))));
            return Optional.of(answer);
        }
        Optional<Result> result = agents.call(agentId, Optional.of(instanceId), "instance.status", arguments(), PROBE);
        return result.map(this::value);
    }

    @Override
    public Endpoint endpoint() {
        JsonNode answer = call("instance.endpoint", ADMIN, args -> {});
        return new Endpoint(InstanceWire.text(answer, "host"), InstanceWire.integer(answer, "port"));
    }

    @Override
    public void destroy() {
        agents.takeConfigurationForPreparation(instanceId);
        call("instance.destroy", LIFECYCLE, args -> {});
    }

    @Override
    public void applyFlavor() {
        call("instance.apply_flavor", LIFECYCLE, args -> {});
    }

    @Override
    public Optional<String> repairAccess() {
        return InstanceWire.optional(call("instance.repair_access", ADMIN, args -> {}), "repaired");
    }

    @Override
    public DatabaseAdmin databases() {
        return new DatabaseAdmin() {
            @Override
            public List<DatabaseSpec> list() {
                return InstanceWire.databases(call("databases.list", ADMIN, args -> {}).path("databases"));
            }

            @Override
            public void create(List<DatabaseSpec> databases) {
                call("databases.create", ADMIN, args -> args.set("databases", InstanceWire.databases(databases)));
            }

            @Override
            public void drop(String name) {
                call("databases.drop", ADMIN, args -> args.put("name", name));
            }
        };
    }

    @Override
    public UserAdmin users() {
        return new UserAdmin() {
            @Override
            public List<User> list() {
                return InstanceWire.listedUsers(call("users.list", ADMIN, args -> {}).path("users"));
            }

            @Override
            public void create(List<UserSpec> users) {
                call("users.create", ADMIN, args -> args.set("users", InstanceWire.users(users)));
            }

            @Override
            public void drop(String name, String host) {
                call("users.drop", ADMIN, args -> args.put("name", name).put("host", host));
            }

            @Override
            public String datastoreType() {
                return spec.type();
            }

            @Override
            public void update(String name, String host, UserUpdate update) {
                call("users.update", ADMIN, args -> args.put("name", name).put("host", host)
                        .set("update", InstanceWire.update(update)));
            }

            @Override
            public void changePasswords(List<PasswordChange> changes) {
                call("users.change_passwords", ADMIN, args -> args.set("changes", InstanceWire.passwordChanges(changes)));
            }

            @Override
            public void grant(String name, String host, List<String> databases) {
                call("users.grant", ADMIN, args -> args.put("name", name).put("host", host)
                        .set("databases", InstanceWire.strings(databases)));
            }

            @Override
            public void revoke(String name, String host, String database) {
                call("users.revoke", ADMIN, args -> args.put("name", name).put("host", host).put("database", database));
            }
        };
    }

    @Override
    public RootAdmin root() {
        return new RootAdmin() {
            @Override
            public boolean isEnabled() {
                return call("root.is_enabled", ADMIN, args -> {}).path("enabled").asBoolean();
            }

            @Override
            public Secret enable(Optional<Secret> password) {
                return new Secret(InstanceWire.text(call("root.enable", ADMIN,
                        args -> password.ifPresent(p -> args.put("password", p.value()))), "password"));
            }

            @Override
            public void disable() {
                call("root.disable", ADMIN, args -> {});
            }
        };
    }

    /** The instance's configuration, written and applied by the agent with the datastore's renderer. */
    public InstanceConfiguration configuration() {
        return new InstanceConfiguration() {
            @Override
            public void write(Map<String, String> values) {
                call("config.write", LIFECYCLE, args -> args.set("values", InstanceWire.values(values)));
            }

            @Override
            public void writeForPreparation(Map<String, String> values) {
                agents.configureForPreparation(instanceId, values);
            }

            @Override
            public Optional<Map<String, String>> restorePrevious() {
                JsonNode answer = call("config.restore_previous", LIFECYCLE, args -> {});
                return answer.hasNonNull("restored") ? Optional.of(InstanceWire.values(answer.get("restored")))
                        : Optional.empty();
            }

            @Override
            public void applyLive(Map<String, String> values) {
                call("config.apply_live", ADMIN, args -> args.set("values", InstanceWire.values(values)));
            }
        };
    }

    /**
     * The instance's backups and restores, run by the agent, which streams between the tools and
     * the object store; the data key of each backup is issued and unwrapped by {@code keys} here
     * and travels only inside the command's arguments.
     */
    public InstanceBackups backups(DataKeys keys) {
        requireNonNull(keys, "keys is null");
        return new InstanceBackups() {
            @Override
            public StoredBackup backup(String runId, BackupStrategy strategy, Optional<BackupMetadata> parent,
                    String objectKey, LongConsumer progress, Runnable saving) {
                DataKeys.IssuedKey issued = keys.issue();
                // one command per backup run: a control plane that restarts asks for the same one again
                String commandId = UUID.nameUUIDFromBytes(("backup.run:" + runId).getBytes(StandardCharsets.UTF_8))
                        .toString();
                boolean[] saved = {false};
                JsonNode answer = call("backup.run", BACKUP, Optional.of(commandId), reported -> {
                    progress.accept(reported.bytes());
                    if (Heartbeat.Progress.SAVING.equals(reported.phase()) && !saved[0]) {
                        saved[0] = true;
                        saving.run();
                    }
                }, args -> {
                    args.put("strategy", strategy.name()).put("object_key", objectKey);
                    parent.ifPresent(p -> args.set("parent", BackupWire.metadata(p)));
                    args.set("key", BackupWire.key(wire(issued)));
                });
                BackupWire.Stored stored = BackupWire.stored(answer);
                return new StoredBackup(stored.objectKey(), stored.size(), stored.rawSize(), stored.sha256(),
                        stored.keyId(), stored.wrappedKey(), stored.metadata());
            }

            @Override
            public BackupPipeline.RestoreTimes restore(List<BackupPipeline.Step> chain) {
                JsonNode answer = call("backup.restore", BACKUP, Optional.empty(), null,
                        args -> args.set("backups", chain(keys, chain.stream().map(BackupPipeline.Step::backup).toList())));
                return new BackupPipeline.RestoreTimes(answer.path("stop_and_empty_ms").asLong(),
                        answer.path("restore_ms").asLong(), answer.path("start_ms").asLong());
            }

            @Override
            public boolean reattaches() {
                return true;
            }
        };
    }

    /**
     * Has agent {@code agentId} check the stored objects of a backup chain (the keys unwrap, sizes
     * and SHA-256 match), beside anything it runs on instances.
     */
    public static void checkBackups(AgentService agents, String agentId, DataKeys keys, List<StoredBackup> chain) {
        ObjectNode args = Protocol.json().createObjectNode();
        args.set("backups", chain(keys, chain));
        agents.require(agentId, Optional.empty(), "backup.check", args, BACKUP);
    }

    /** Each backup of the chain with its data key, unwrapped here (a key that does not unwrap fails here). */
    private static ArrayNode chain(DataKeys keys, List<StoredBackup> chain) {
        ArrayNode list = Protocol.json().createArrayNode();
        for (StoredBackup backup : chain) {
            ObjectNode entry = list.addObject();
            entry.set("backup", BackupWire.stored(new BackupWire.Stored(backup.objectKey(), backup.size(),
                    backup.rawSize(), backup.sha256(), backup.keyId(), backup.wrappedKey(), backup.metadata())));
            entry.set("key", BackupWire.key(new BackupWire.Key(backup.keyId(), backup.wrappedKey(),
                    keys.unwrap(backup.keyId(), backup.wrappedKey()).getEncoded())));
        }
        return list;
    }

    private static BackupWire.Key wire(DataKeys.IssuedKey issued) {
        return new BackupWire.Key(issued.keyId(), issued.wrappedKey(), issued.key().getEncoded());
    }

    private ObjectNode arguments() {
        ObjectNode args = Protocol.json().createObjectNode();
        args.set("instance", InstanceWire.spec(spec));
        return args;
    }

    private JsonNode call(String operation, Duration timeout, Consumer<ObjectNode> fill) {
        return call(operation, timeout, Optional.empty(), null, fill);
    }

    private JsonNode call(String operation, Duration timeout, Optional<String> commandId,
            Consumer<Heartbeat.Progress> progress, Consumer<ObjectNode> fill) {
        if (timeout.compareTo(LIFECYCLE) < 0 && !agents.reachable(agentId)) {
            // an account or schema change fails at once; lifecycle commands wait for an agent that restarts
            throw new DatastoreException("The agent of instance " + instanceId + "'s host has not been heard from for "
                    + AgentService.UNREACHABLE_AFTER.toSeconds() + " s; try again when it is back.");
        }
        ObjectNode args = arguments();
        fill.accept(args);
        Result result = agents.call(agentId, Optional.of(instanceId), operation, args, timeout, commandId, progress).orElseThrow(
                () -> new DatastoreException("The agent of instance " + instanceId + "'s host did not answer '" + operation
                        + "' within " + timeout.toSeconds() + " s."));
        return value(result);
    }

    /** The result's value, or its failure as the SPI's exception. */
    private JsonNode value(Result result) {
        if (Result.OK.equals(result.outcome())) {
            return result.value() == null ? Protocol.json().createObjectNode() : result.value();
        }
        Result.Failure failure = result.error();
        String kind = failure == null ? "" : String.valueOf(failure.kind());
        String message = failure == null ? "The agent reported a failure without a reason." : failure.message();
        switch (kind) {
            case Result.NOT_SUPPORTED -> {
                JsonNode value = result.value();
                throw new NotSupportedException(value == null ? "?" : value.path("operation").asText("?"),
                        value == null ? spec.type() : value.path("datastore_type").asText(spec.type()));
            }
            case Result.REFUSED -> throw new InvalidRequestException(message);
            default -> throw new DatastoreException(message);
        }
    }
}
