package io.reddwarf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.BackupWire;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.DataKeys;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.spec.SecretKeySpec;

/**
 * Backups and restores as agent commands (docs/agent-protocol.md, "Backups"): the agent runs the
 * strategy's tool beside the engine and streams its output through the pipeline straight into the
 * object store, and back. The data keys come in the command's arguments, one command at a time;
 * the master key that wraps them never leaves the control plane.
 */
final class BackupOperations {
    private final Map<String, BackupStrategy> strategies = new TreeMap<>();
    private final ObjectStore store;
    private final InstanceOperations instances;
    /** How far each running backup has got, by command id, for the heartbeats. */
    private final Map<String, Heartbeat.Progress> progress = new ConcurrentHashMap<>();

    BackupOperations(List<BackupStrategy> strategies, ObjectStore store, InstanceOperations instances) {
        for (BackupStrategy strategy : strategies) {
            this.strategies.putIfAbsent(strategy.name(), strategy);
        }
        this.store = store;
        this.instances = instances;
        // the first backup then encrypts at full speed
        BackupPipeline.warmUpOnce();
    }

    /** The progress of the backups running now. */
    List<Heartbeat.Progress> progress() {
        return List.copyOf(progress.values());
    }

    void register(Operations operations) {
        // a backup interrupted by the agent's stop is taken again from the start, under the same
        // key and object name, once the tools it started are gone
        operations.add("backup.run", true, this::backup, instances::stopLeftoverTools);
        // reads objects only; needs no instance, so it runs beside the instance's preparation
        operations.add("backup.check", true, command -> {
            List<Link> chain = chain(command.arguments());
            BackupPipeline pipeline = pipeline(chain);
            for (Link link : chain) {
                translated(() -> pipeline.check(link.backup()));
            }
            return Protocol.json().createObjectNode();
        });
        // what the control plane asks of the store: a stored object's size, and its removal
        operations.add("store.size", true, command -> {
            java.util.OptionalLong size = store.size(ObjectStore.checkKey(InstanceWire.text(command.arguments(), "key")));
            var answer = Protocol.json().createObjectNode();
            if (size.isPresent()) {
                answer.put("size", size.getAsLong());
            }
            return answer;
        });
        operations.add("store.delete", true, command -> {
            store.delete(ObjectStore.checkKey(InstanceWire.text(command.arguments(), "key")));
            return Protocol.json().createObjectNode();
        });
        // a restore fills an instance being built: an interrupted one stops everything the instance
        // runs (the engine included) and restores the whole chain again
        operations.add("backup.restore", true, this::restore, instances::stopLeftovers);
    }

    private JsonNode backup(Command command) {
        JsonNode args = command.arguments();
        InstanceWire.Spec spec = InstanceWire.spec(InstanceWire.field(args, "instance"));
        InstanceContext context = instances.context(command.instance(), spec, false);
        BackupStrategy strategy = strategy(InstanceWire.text(args, "strategy"));
        Optional<BackupMetadata> parent = args.hasNonNull("parent")
                ? Optional.of(BackupWire.metadata(args.get("parent"))) : Optional.empty();
        BackupWire.Key key = BackupWire.key(InstanceWire.field(args, "key"));
        String objectKey = InstanceWire.text(args, "object_key");
        BackupPipeline pipeline = new BackupPipeline(store, DataKeys.given(List.of(issued(key))));
        String id = command.id();
        progress.put(id, new Heartbeat.Progress(id, 0, Heartbeat.Progress.RUNNING));
        try {
            StoredBackup stored = translated(() -> pipeline.backup(strategy, context, parent, objectKey,
                    bytes -> progress.put(id, new Heartbeat.Progress(id, bytes, Heartbeat.Progress.RUNNING)),
                    () -> progress.computeIfPresent(id, (k, p) -> new Heartbeat.Progress(id, p.bytes(),
                            Heartbeat.Progress.SAVING))));
            return BackupWire.stored(new BackupWire.Stored(stored.objectKey(), stored.size(), stored.rawSize(),
                    stored.sha256(), stored.keyId(), stored.wrappedKey(), stored.metadata()));
        } finally {
            progress.remove(id);
        }
    }

    private JsonNode restore(Command command) {
        JsonNode args = command.arguments();
        InstanceWire.Spec spec = InstanceWire.spec(InstanceWire.field(args, "instance"));
        InstanceContext context = instances.context(command.instance(), spec, false);
        DatastoreInstance instance = instances.open(command.instance(), spec, false);
        List<Link> chain = chain(args);
        BackupPipeline pipeline = pipeline(chain);
        List<BackupPipeline.Step> steps = new ArrayList<>();
        for (Link link : chain) {
            steps.add(new BackupPipeline.Step(strategy(link.backup().metadata().strategy()), link.backup()));
        }
        BackupPipeline.RestoreTimes times = translated(() -> pipeline.restoreChain(steps, context, instance));
        return Protocol.json().createObjectNode().put("stop_and_empty_ms", times.stopAndEmpty())
                .put("restore_ms", times.restore()).put("start_ms", times.startAndFinish());
    }

    /** A backup of a chain and its data key. */
    private record Link(StoredBackup backup, BackupWire.Key key) {}

    /** The {@code backups} argument: the chain, oldest first, each backup with its data key. */
    private static List<Link> chain(JsonNode args) {
        JsonNode list = InstanceWire.field(args, "backups");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("backups must list at least one backup");
        }
        List<Link> chain = new ArrayList<>();
        for (JsonNode entry : list) {
            BackupWire.Stored s = BackupWire.stored(InstanceWire.field(entry, "backup"));
            chain.add(new Link(new StoredBackup(s.objectKey(), s.size(), s.rawSize(), s.sha256(), s.keyId(),
                    s.wrappedKey(), s.metadata()), BackupWire.key(InstanceWire.field(entry, "key"))));
        }
        return chain;
    }

    private BackupPipeline pipeline(List<Link> chain) {
        return new BackupPipeline(store, DataKeys.given(chain.stream().map(link -> issued(link.key())).toList()));
    }

    private static DataKeys.IssuedKey issued(BackupWire.Key key) {
        return new DataKeys.IssuedKey(new SecretKeySpec(key.material(), "AES"), key.keyId(), key.wrappedKey());
    }

    private BackupStrategy strategy(String name) {
        BackupStrategy strategy = strategies.get(name);
        if (strategy == null) {
            throw new DatastoreException("This agent has no backup strategy '" + name + "'.");
        }
        return strategy;
    }

    /**
     * Runs {@code body}; a failure comes back as a {@link DatastoreException} whose message names
     * its causes too (the control plane reads a full store or a killed tool from it).
     */
    private static <T> T translated(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (DatastoreException e) {
            throw e;
        } catch (RuntimeException e) {
            StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                    message.append(": ").append(cause.getMessage());
                }
            }
            for (Throwable suppressed : e.getSuppressed()) {
                if (suppressed.getMessage() != null) {
                    message.append(" (").append(suppressed.getMessage()).append(')');
                }
            }
            throw new DatastoreException(message.toString(), e);
        }
    }

    private static void translated(Runnable body) {
        translated(() -> {
            body.run();
            return null;
        });
    }
}
