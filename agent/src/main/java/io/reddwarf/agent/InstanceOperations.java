package io.reddwarf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.host.Ports;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI's instance operations as agent commands (docs/agent-protocol.md, "Instance
 * operations"): every command names its instance and carries its {@link InstanceWire.Spec}; the
 * agent opens the instance with the driver of its datastore, in its own directory below
 * {@code instances.dir}, and calls the driver. The agent keeps no state of its own about
 * instances: their files are the truth, as they are for the driver.
 */
final class InstanceOperations {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceOperations.class);
    private static final Pattern INSTANCE_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Where an instance's spec is kept, in its directory, so that a restarted agent knows what runs there. */
    static final String SPEC_FILE = "agent-instance.json";

    private final Map<String, Datastore> drivers = new TreeMap<>();
    private final Map<String, ConfigRenderer> renderers = new TreeMap<>();
    /** The instances on this host, from the last command on each. */
    private final Map<String, InstanceWire.Spec> known = new ConcurrentHashMap<>();
    private final Path instancesDir;
    private final Path templatesDir;
    private final Certifier certifier;
    private final OfferedKeys offeredKeys;

    /** Has the control plane's authority sign an instance's public key during a preparation. */
    interface Certifier {
        /** The certificate (and the authority's) for {@code publicKey}, made for the instance of {@code commandId}. */
        io.reddwarf.agent.protocol.CertificateRequest.Issued certify(String commandId, String publicKey) throws IOException;
    }

    InstanceOperations(List<Datastore> drivers, List<ConfigRenderer> renderers, Path instancesDir, Path templatesDir,
            Certifier certifier, OfferedKeys offeredKeys) {
        this.certifier = java.util.Objects.requireNonNull(certifier, "certifier is null");
        this.offeredKeys = java.util.Objects.requireNonNull(offeredKeys, "offeredKeys is null");
        for (Datastore driver : drivers) {
            this.drivers.putIfAbsent(driver.type(), driver);
        }
        for (ConfigRenderer renderer : renderers) {
            this.renderers.putIfAbsent(renderer.datastoreType(), renderer);
        }
        this.instancesDir = instancesDir.toAbsolutePath().normalize();
        this.templatesDir = templatesDir.toAbsolutePath().normalize();
        loadKnown();
    }

    private void loadKnown() {
        if (!Files.isDirectory(instancesDir)) {
            return;
        }
        try (var dirs = Files.list(instancesDir)) {
            for (Path dir : dirs.toList()) {
                Path file = dir.resolve(SPEC_FILE);
                String id = dir.getFileName().toString();
                if (INSTANCE_ID.matcher(id).matches() && Files.isRegularFile(file)) {
                    try {
                        known.put(id, InstanceWire.spec(Protocol.json().readTree(file.toFile())));
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Ignoring the unreadable {}: {}", file, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", instancesDir, e.getMessage());
        }
    }

    /** The ids of the instance directories below {@code instances.dir}. */
    private List<String> instanceIdsOnDisk() {
        if (!Files.isDirectory(instancesDir)) {
            return List.of();
        }
        try (var dirs = Files.list(instancesDir)) {
            return dirs.map(d -> d.getFileName().toString()).filter(id -> INSTANCE_ID.matcher(id).matches()).sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot list " + instancesDir, e);
        }
    }

    /** Records what runs in the instance's directory, once per change. */
    private void remember(String instanceId, InstanceWire.Spec spec) {
        if (spec.equals(known.get(instanceId))) {
            return;
        }
        Path file = home(instanceId).resolve(SPEC_FILE);
        try {
            if (Files.isDirectory(file.getParent())) {
                Path tmp = file.resolveSibling("." + SPEC_FILE + ".tmp");
                Files.write(tmp, Protocol.json().writeValueAsBytes(InstanceWire.spec(spec)));
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            LOG.warn("Cannot record what runs in {}: {}", file.getParent(), e.getMessage());
        }
        known.put(instanceId, spec);
    }

    /**
     * Each known engine's health as its driver sees it, leaving out the instances in {@code busy}
     * (a command runs on them: their state is in flux and that command reports on it) and those
     * left when {@code budget} is spent.
     */
    List<Heartbeat.InstanceHealth> health(java.util.Set<String> busy, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Heartbeat.InstanceHealth> report = new ArrayList<>();
        for (Map.Entry<String, InstanceWire.Spec> entry : known.entrySet()) {
            if (System.nanoTime() > deadline) {
                break;
            }
            String id = entry.getKey();
            if (busy.contains(id) || !Files.isDirectory(home(id))) {
                continue;
            }
            try {
                DatastoreInstance instance = open(id, entry.getValue(), false);
                HealthStatus status = instance.status();
                String detail = status == HealthStatus.RUNNING ? null : String.join("\n", instance.lastErrors());
                report.add(new Heartbeat.InstanceHealth(id, status.name(), detail));
            } catch (RuntimeException e) {
                LOG.debug("No health for instance {}: {}", id, e.getMessage());
            }
        }
        return report;
    }

    void register(Operations operations) {
        // lifecycle
        // an interrupted prepare runs again once the processes it started are gone, as a build the
        // control plane resumes after its own crash does
        operations.add("instance.prepare", true, command -> {
            installTls(command);
            writeConfiguration(command);
            DatastoreInstance instance = opened(command, true);
            instance.prepare(InstanceWire.prepare(command.arguments().path("request")));
            return done();
        }, this::stopLeftovers);
        operations.add("instance.prepare_for_physical_restore", true, command -> {
            installTls(command);
            writeConfiguration(command);
            DatastoreInstance instance = opened(command, true);
            instance.prepareForPhysicalRestore(InstanceWire.prepare(command.arguments().path("request")));
            return done();
        }, this::stopLeftovers);
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
            InstanceWire.Spec spec = spec(command);
            Path home = home(command.instance());
            if (Files.isDirectory(home)) {
                open(command.instance(), spec, false).destroy();
            }
            known.remove(command.instance());
            return done();
        });
        // the host's side of a provider that places instances on this agent
        operations.add("instance.release", true, command -> {
            Path home = home(command.instance());
            LocalInstanceContext.release(home, process -> LOG.info("Killing process {} of released instance {}",
                    process.pid(), command.instance()));
            known.remove(command.instance());
            return done();
        });
        operations.add("instance.stop_leftovers", true, command -> {
            stopLeftovers(command);
            return done();
        });
        operations.add("instance.stop_leftover_tools", true, command -> {
            stopLeftoverTools(command);
            return done();
        });
        operations.add("agent.instances", true, command -> {
            ObjectNode answer = object();
            instanceIdsOnDisk().forEach(answer.putArray("instances")::add);
            return answer;
        });
        operations.add("agent.port_available", true, command -> object().put("available",
                Ports.free(InstanceWire.text(command.arguments(), "address"),
                        InstanceWire.integer(command.arguments(), "port"))));
        // configuration, with the datastore's renderer
        configure(operations, "config.write", true, (renderer, context, args) -> {
            renderer.write(context, InstanceWire.values(InstanceWire.field(args, "values")));
            return done();
        });
        configure(operations, "config.restore_previous", false, (renderer, context, args) -> {
            ObjectNode answer = object();
            renderer.restorePrevious(context).ifPresent(values -> answer.set("restored", InstanceWire.values(values)));
            return answer;
        });
        configure(operations, "config.apply_live", true, (renderer, context, args) -> {
            renderer.applyLive(context, InstanceWire.values(InstanceWire.field(args, "values")));
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
        operations.add(name, repeatable, command -> body.apply(opened(command, creates), command.arguments()));
    }

    private static InstanceWire.Spec spec(Command command) {
        return InstanceWire.spec(InstanceWire.field(command.arguments(), "instance"));
    }

    private DatastoreInstance opened(Command command, boolean creates) {
        InstanceWire.Spec spec = spec(command);
        DatastoreInstance instance = open(command.instance(), spec, creates);
        remember(command.instance(), spec);
        return instance;
    }

    /**
     * When the preparation asks for it ({@code tls: {request: true}}), gives the instance a TLS key
     * made on this host (the private half never leaves it) and the certificate the control plane's
     * authority issued for it, before the driver writes the engine's configuration: the key this
     * agent offered with the poll that delivered the preparation, when the preparation came with its
     * certificate; else a key made now, whose public half the agent has certified. An instance that
     * has its key and certificate keeps them.
     */
    private void installTls(Command command) {
        JsonNode tls = command.arguments().path("tls");
        if (!tls.path("request").asBoolean()) {
            return;
        }
        LocalInstanceContext context = context(command.instance(), spec(command), true);
        remember(command.instance(), spec(command));
        java.util.Optional<java.security.KeyPair> offered = offeredKeys.take(command.id());
        if (context.tls().isPresent()) {
            return;
        }
        if (offered.isPresent() && tls.path("certificate").isTextual() && tls.path("authority").isTextual()) {
            try {
                InstanceTls.installOffered(context, offered.get(), tls.get("certificate").asText(),
                        tls.get("authority").asText());
                return;
            } catch (IllegalArgumentException e) {
                LOG.warn("The certificate delivered with command {} does not suit the key offered for it ({}); asking"
                        + " for one", command.id(), e.getMessage());
            }
        }
        JsonNode key = InstanceTls.publicKey(context);
        if (key.path("installed").asBoolean()) {
            return;
        }
        io.reddwarf.agent.protocol.CertificateRequest.Issued issued;
        try {
            issued = certifier.certify(command.id(), InstanceWire.text(key, "public_key"));
        } catch (IOException e) {
            throw new DatastoreException("The control plane did not certify the TLS key of instance "
                    + command.instance() + ": " + e.getMessage(), e);
        }
        InstanceTls.install(context, issued.certificate(), issued.authority());
    }

    /** Writes the configuration file a preparation carries ({@code configuration}), with the datastore's renderer. */
    private void writeConfiguration(Command command) {
        JsonNode values = command.arguments().get("configuration");
        if (values == null || values.isNull()) {
            return;
        }
        InstanceWire.Spec spec = spec(command);
        renderer(spec).write(context(command.instance(), spec, true), InstanceWire.values(values));
    }

    private ConfigRenderer renderer(InstanceWire.Spec spec) {
        ConfigRenderer renderer = renderers.get(spec.type());
        if (renderer == null) {
            throw new DatastoreException("This agent has no configuration renderer for the '" + spec.type()
                    + "' datastore.");
        }
        return renderer;
    }

    /** Kills every process that runs from the instance's directory (what an interrupted run started). */
    void stopLeftovers(Command command) {
        LocalProcessSupervisor.killProcessesReferencing(home(command.instance()), process -> LOG.warn(
                "Killing process {} left by the interrupted command {} on instance {}: {}", process.pid(), command.id(),
                command.instance(), process.info().command().orElse("?")));
    }

    /** Kills the tools (never the engine) an interrupted command on the instance left running. */
    void stopLeftoverTools(Command command) {
        LocalProcessSupervisor.killProcessesReferencing(LocalProcessSupervisor.toolsOptionFile(home(command.instance())),
                tool -> LOG.warn("Killing tool {} left by the interrupted command {} on instance {}: {}", tool.pid(),
                        command.id(), command.instance(), tool.info().command().orElse("?")));
    }

    /** What a configuration operation does with the renderer and the instance's context. */
    private interface ConfigBody {
        JsonNode apply(ConfigRenderer renderer, InstanceContext context, JsonNode args);
    }

    private void configure(Operations operations, String name, boolean repeatable, ConfigBody body) {
        operations.add(name, repeatable, command -> {
            InstanceWire.Spec spec = spec(command);
            ConfigRenderer renderer = renderer(spec);
            InstanceContext context = context(command.instance(), spec, true);
            remember(command.instance(), spec);
            return body.apply(renderer, context, command.arguments());
        });
    }

    /** The driver's handle on the instance; its directories are created only by {@code creates} operations. */
    DatastoreInstance open(String instanceId, InstanceWire.Spec spec, boolean creates) {
        return driver(spec).open(context(instanceId, spec, creates));
    }

    private Datastore driver(InstanceWire.Spec spec) {
        Datastore driver = drivers.get(spec.type());
        if (driver == null) {
            throw new DatastoreException("This agent has no driver for the '" + spec.type() + "' datastore.");
        }
        return driver;
    }

    LocalInstanceContext context(String instanceId, InstanceWire.Spec spec, boolean creates) {
        Datastore driver = driver(spec);
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
        return context;
    }

    Path home(String instanceId) {
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
