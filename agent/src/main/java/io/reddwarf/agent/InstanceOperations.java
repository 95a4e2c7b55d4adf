package io.reddwarf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The SPI's instance operations as agent commands (docs/agent-protocol.md, "Instance
 * operations"): every command names its instance and carries its {@link InstanceWire.Spec}; the
 * agent opens the instance with the driver of its datastore, in its own directory below
 * {@code instances.dir}, and calls the driver. The agent keeps no state of its own about
 * instances: their files are the truth, as they are for the driver.
 */
final class InstanceOperations {
    private static final Pattern INSTANCE_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Map<String, Datastore> drivers = new TreeMap<>();
    private final Path instancesDir;
    private final Path templatesDir;

    InstanceOperations(List<Datastore> drivers, Path instancesDir, Path templatesDir) {
        for (Datastore driver : drivers) {
            this.drivers.putIfAbsent(driver.type(), driver);
        }
        this.instancesDir = instancesDir.toAbsolutePath().normalize();
        this.templatesDir = templatesDir.toAbsolutePath().normalize();
    }

    void register(Operations operations) {
        // lifecycle
        add(operations, "instance.prepare", false, true, (instance, args) -> {
            instance.prepare(InstanceWire.prepare(args.path("request")));
            return done();
        });
        add(operations, "instance.prepare_for_physical_restore", false, true, (instance, args) -> {
            instance.prepareForPhysicalRestore(InstanceWire.prepare(args.path("request")));
            return done();
        });
        add(operations, "instance.start", true, false, (instance, args) -> {
            instance.start();
            return done();
        });
        add(operations, "instance.stop", true, false, (instance, args) -> {
            instance.stop();
            return done();
        });
        add(operations, "instance.restart", true, false, (instance, args) -> {
            instance.restart();
            return done();
        });
        add(operations, "instance.status", true, false, (instance, args) -> {
            ObjectNode answer = object().put("status", instance.status().name());
            answer.set("last_errors", InstanceWire.strings(instance.lastErrors()));
            return answer;
        });
        add(operations, "instance.endpoint", true, false, (instance, args) -> {
            Endpoint endpoint = instance.endpoint();
            return object().put("host", endpoint.host()).put("port", endpoint.port());
        });
        add(operations, "instance.apply_flavor", true, false, (instance, args) -> {
            instance.applyFlavor();
            return done();
        });
        add(operations, "instance.repair_access", true, false, (instance, args) -> {
            ObjectNode answer = object();
            instance.repairAccess().ifPresent(repaired -> answer.put("repaired", repaired));
            return answer;
        });
        operations.add("instance.destroy", true, command -> {
            InstanceWire.Spec spec = InstanceWire.spec(InstanceWire.field(command.arguments(), "instance"));
            Path home = home(command.instance());
            if (Files.isDirectory(home)) {
                open(command.instance(), spec, false).destroy();
            }
            return done();
        });
        // databases
        add(operations, "databases.list", true, false,
                (instance, args) -> object().set("databases", InstanceWire.databases(instance.databases().list())));
        add(operations, "databases.create", false, false, (instance, args) -> {
            instance.databases().create(InstanceWire.databases(args.path("databases")));
            return done();
        });
        add(operations, "databases.drop", true, false, (instance, args) -> {
            instance.databases().drop(InstanceWire.text(args, "name"));
            return done();
        });
        // users
        add(operations, "users.list", true, false,
                (instance, args) -> object().set("users", InstanceWire.listedUsers(instance.users().list())));
        add(operations, "users.create", false, false, (instance, args) -> {
            instance.users().create(InstanceWire.users(args.path("users")));
            return done();
        });
        add(operations, "users.drop", true, false, (instance, args) -> {
            instance.users().drop(InstanceWire.text(args, "name"), InstanceWire.text(args, "host"));
            return done();
        });
        add(operations, "users.update", false, false, (instance, args) -> {
            instance.users().update(InstanceWire.text(args, "name"), InstanceWire.text(args, "host"),
                    InstanceWire.update(InstanceWire.field(args, "update")));
            return done();
        });
        add(operations, "users.change_passwords", true, false, (instance, args) -> {
            instance.users().changePasswords(InstanceWire.passwordChanges(args.path("changes")));
            return done();
        });
        add(operations, "users.grant", true, false, (instance, args) -> {
            instance.users().grant(InstanceWire.text(args, "name"), InstanceWire.text(args, "host"),
                    InstanceWire.strings(args.path("databases")));
            return done();
        });
        add(operations, "users.revoke", true, false, (instance, args) -> {
            instance.users().revoke(InstanceWire.text(args, "name"), InstanceWire.text(args, "host"),
                    InstanceWire.text(args, "database"));
            return done();
        });
        // root
        add(operations, "root.is_enabled", true, false,
                (instance, args) -> object().put("enabled", instance.root().isEnabled()));
        add(operations, "root.enable", false, false, (instance, args) -> {
            Secret password = instance.root().enable(InstanceWire.optional(args, "password").map(Secret::new));
            return object().put("password", password.value());
        });
        add(operations, "root.disable", true, false, (instance, args) -> {
            instance.root().disable();
            return done();
        });
    }

    private void add(Operations operations, String name, boolean repeatable, boolean creates,
            BiFunction<DatastoreInstance, JsonNode, JsonNode> body) {
        operations.add(name, repeatable, command -> {
            InstanceWire.Spec spec = InstanceWire.spec(InstanceWire.field(command.arguments(), "instance"));
            return body.apply(open(command.instance(), spec, creates), command.arguments());
        });
    }

    /** The driver's handle on the instance; its directories are created only by {@code creates} operations. */
    DatastoreInstance open(String instanceId, InstanceWire.Spec spec, boolean creates) {
        Datastore driver = drivers.get(spec.type());
        if (driver == null) {
            throw new DatastoreException("This agent has no driver for the '" + spec.type() + "' datastore.");
        }
        DatastoreVersion version = driver.versions().stream().filter(v -> v.name().equals(spec.version().name()))
                .findFirst().orElseThrow(() -> new DatastoreException("This agent's '" + spec.type()
                        + "' driver has no version '" + spec.version().name() + "'."));
        Path home = home(instanceId);
        Path template = templatesDir.resolve(spec.type() + "-" + version.name());
        LocalInstanceContext context;
        if (Files.isDirectory(home)) {
            context = LocalInstanceContext.open(instanceId, version, spec.flavor(), home, template, spec.address(),
                    spec.port());
        } else if (creates) {
            context = LocalInstanceContext.create(instanceId, version, spec.flavor(), home, template, spec.address(),
                    spec.port());
        } else {
            throw new DatastoreException("Instance " + instanceId + " has no files on this agent's host.");
        }
        return driver.open(context);
    }

    private Path home(String instanceId) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("an instance command must name its instance by id");
        }
        return instancesDir.resolve(instanceId);
    }

    private static ObjectNode object() {
        return Protocol.json().createObjectNode();
    }

    private static JsonNode done() {
        return object();
    }
}
