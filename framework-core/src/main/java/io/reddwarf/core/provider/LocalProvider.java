package io.reddwarf.core.provider;

import static java.util.Objects.requireNonNull;

import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.core.agent.AgentDatastoreInstance;
import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.tls.CertificateAuthority;
import io.reddwarf.host.EngineSandbox;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.host.Ports;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded infrastructure provider: instances are supervised processes on this host, each in
 * {@code $REDDWARF_HOME/instances/<id>/}, sharing pre-initialised data-directory templates under
 * {@code $REDDWARF_HOME/templates/<type>-<version>/}, listening on ports of a configured range.
 */
public final class LocalProvider implements InstanceProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LocalProvider.class);
    private static final Pattern INSTANCE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The authority's certificate in the home: what clients verify instances with. */
    public static final String CA_FILE = "ca.pem";

    private final CertificateAuthority authority;
    private final java.util.concurrent.ConcurrentHashMap<String, Object> issuing = new java.util.concurrent.ConcurrentHashMap<>();
    private final Path instancesDir;
    private final Path templatesDir;
    private final String address;
    private final PortRange ports;

    /** Unix socket paths are limited to 107 bytes; engines keep theirs in an instance's run directory. */
    static final int MAX_SOCKET_PATH = 107;
    /** The longest socket file name a driver may use within the run directory ("mysqld.sock" and its NUL). */
    static final int SOCKET_NAME_ALLOWANCE = 12;

    /** The longest home directory path (in characters of its absolute form) the local provider accepts. */
    public static int maxHomeLength() {
        return MAX_SOCKET_PATH - ("/instances/".length() + 36 + "/run/".length() + SOCKET_NAME_ALLOWANCE);
    }

    /**
     * @param address the address instances listen on
     * @param ports   the ports handed to instances
     */
    private volatile AgentService agents;
    private volatile String agentId;

    public LocalProvider(Path home, String address, PortRange ports) {
        if (home.toAbsolutePath().toString().length() > maxHomeLength()) {
            throw new IllegalArgumentException("The Reddwarf home " + home.toAbsolutePath() + " is too long for the "
                    + "instances' Unix sockets (at most " + MAX_SOCKET_PATH + " bytes): use a home of at most "
                    + maxHomeLength() + " characters (--home or REDDWARF_HOME).");
        }
        EngineSandbox.forThisProcess().ifPresentOrElse(sandbox -> {
            sandbox.checkInstalled();
            LOG.info("Engines run sandboxed, each under a user of its own (uid {} + port)", EngineSandbox.ID_BASE);
        }, () -> LOG.warn("The control plane does not run as root, so engines run as its own user without a sandbox;"
                + " docs/security.md says what still protects tenants"));
        this.authority = CertificateAuthority.loadOrCreate(home.resolve("state"), home.resolve(CA_FILE));
        this.instancesDir = home.resolve("instances");
        this.templatesDir = home.resolve("templates");
        this.address = requireNonNull(address, "address is null");
        this.ports = requireNonNull(ports, "ports is null");
        try {
            Files.createDirectories(instancesDir);
            Files.createDirectories(templatesDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + instancesDir, e);
        }
    }

    /**
     * From now on, drivers run in the host's agent: {@link #open} answers handles whose calls are
     * commands to agent {@code agentId}.
     */
    public void runDriversIn(AgentService agents, String agentId) {
        this.agents = requireNonNull(agents, "agents is null");
        this.agentId = requireNonNull(agentId, "agentId is null");
    }

    @Override
    public DatastoreInstance open(Datastore driver, InstanceContext context) {
        if (agentId == null) {
            return driver.open(context);
        }
        return agentHandle(driver.type(), context);
    }

    @Override
    public InstanceConfiguration configuration(ConfigRenderer renderer, InstanceContext context) {
        if (agentId == null) {
            return InstanceConfiguration.inProcess(renderer, context);
        }
        return agentHandle(renderer.datastoreType(), context).configuration();
    }

    @Override
    public InstanceBackups backups(BackupPipeline pipeline, DatastoreInstance instance, InstanceContext context) {
        if (agentId == null) {
            return InstanceBackups.inProcess(pipeline, instance, context);
        }
        return agentHandle(instance.type(), context).backups(pipeline.keys());
    }

    @Override
    public void checkBackups(BackupPipeline pipeline, List<StoredBackup> chain) {
        if (agentId == null) {
            chain.forEach(pipeline::check);
            return;
        }
        AgentDatastoreInstance.checkBackups(agents, agentId, pipeline.keys(), chain);
    }

    private AgentDatastoreInstance agentHandle(String type, InstanceContext context) {
        return new AgentDatastoreInstance(agents, agentId, context.instanceId(), new InstanceWire.Spec(type,
                context.version(), context.flavor(), context.bindAddress(), context.port()), true);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public PortRange ports() {
        return ports;
    }

    /** Where the instances' directories are. */
    public Path instancesDir() {
        return instancesDir;
    }

    /** Where the engines' pre-initialised data directories are. */
    public Path templatesDir() {
        return templatesDir;
    }

    public Path homeOf(String instanceId) {
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("not an instance id: " + instanceId);
        }
        return instancesDir.resolve(instanceId);
    }

    /**
     * The instance's context; creates its directories only when the instance has none yet, and
     * issues its TLS certificate when it has none (a new instance, or one from before TLS).
     */
    @Override
    public InstanceContext context(String instanceId, String type, DatastoreVersion version, Flavor flavor, int port) {
        Path home = homeOf(instanceId);
        Path template = templatesDir.resolve(type + "-" + version.name());
        if (agentId != null) {
            // the agent makes the directories and the TLS key when it prepares the instance
            return LocalInstanceContext.open(instanceId, version, flavor, home, template, address, port);
        }
        LocalInstanceContext context = Files.isDirectory(home)
                ? LocalInstanceContext.open(instanceId, version, flavor, home, template, address, port)
                : LocalInstanceContext.create(instanceId, version, flavor, home, template, address, port);
        if (context.tls().isEmpty() && Files.isDirectory(context.confDir())) {
            synchronized (issuing.computeIfAbsent(instanceId, k -> new Object())) {
                if (context.tls().isEmpty()) {
                    authority.issue(context.confDir(), instanceId, address);
                }
            }
        }
        return context;
    }

    /** The deployment's certificate authority, which signs every instance's certificate. */
    public CertificateAuthority authority() {
        return authority;
    }

    @Override
    public String certificateAuthorityPem() {
        return authority.certificatePem();
    }

    /** Whether nothing listens on {@code port} of the instance address right now. */
    @Override
    public boolean portAvailable(int port) {
        return Ports.free(address, port);
    }

    /** Ids of the instance directories present on disk. */
    Set<String> instanceIdsOnDisk() {
        try (Stream<Path> dirs = Files.list(instancesDir)) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(n -> INSTANCE_ID.matcher(n).matches())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instancesDir, e);
        }
    }

    /** Whether the instance's directory exists. */
    @Override
    public boolean exists(String instanceId) {
        return Files.isDirectory(homeOf(instanceId));
    }

    /** Kills every process that runs from the instance's directory, then removes the directory. */
    @Override
    public void release(String instanceId) {
        Path home = homeOf(instanceId);
        issuing.remove(instanceId);
        LocalInstanceContext.release(home, process -> LOG.info("Killing process {} left in {}", process.pid(), home));
    }

    /** Kills every process that runs from the instance's directory (left by an interrupted step). */
    @Override
    public void stopLeftovers(String instanceId) {
        killProcessesIn(homeOf(instanceId));
    }

    /**
     * Kills the processes that name the instance's tools option file: the tools run against the
     * engine read it, the engine itself does not.
     */
    @Override
    public void stopLeftoverTools(String instanceId) {
        LocalProcessSupervisor.killProcessesReferencing(LocalProcessSupervisor.toolsOptionFile(homeOf(instanceId)),
                tool -> LOG.warn("Killing tool {} left by an earlier attempt on instance {}: {}", tool.pid(), instanceId,
                        tool.info().command().orElse("?")));
    }

    /**
     * Removes the directories of instances not in {@code liveIds} (with their processes), then kills
     * processes that still run from a directory below {@code instances/} of such an instance.
     */
    @Override
    public Reconciliation reconcile(Set<String> liveIds) {
        Set<String> released = new java.util.TreeSet<>();
        for (String id : instanceIdsOnDisk()) {
            if (!liveIds.contains(id)) {
                LOG.warn("Removing directory of instance {}, which has no live record", id);
                release(id);
                released.add(id);
            }
        }
        return new Reconciliation(released, killOrphans(liveIds));
    }

    /**
     * Kills processes that run from a directory below {@code instances/} whose instance is not in
     * {@code liveIds}; returns how many were killed.
     */
    private int killOrphans(Set<String> liveIds) {
        int killed = 0;
        for (long pid : LocalProcessSupervisor.findProcessesReferencing(instancesDir)) {
            Optional<String> id = ProcessHandle.of(pid)
                    .flatMap(h -> h.info().commandLine())
                    .flatMap(this::instanceIdIn);
            if (id.isPresent() && !liveIds.contains(id.get())) {
                LOG.warn("Killing orphaned process {} of unknown instance {}", pid, id.get());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                killed++;
            }
        }
        return killed;
    }

    private Optional<String> instanceIdIn(String commandLine) {
        String prefix = instancesDir.toString() + "/";
        int at = commandLine.indexOf(prefix);
        if (at < 0 || commandLine.length() < at + prefix.length() + 36) {
            return Optional.empty();
        }
        String id = commandLine.substring(at + prefix.length(), at + prefix.length() + 36);
        return INSTANCE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    private static void killProcessesIn(Path dir) {
        LocalProcessSupervisor.killProcessesReferencing(dir,
                process -> LOG.info("Killing process {} left in {}", process.pid(), dir));
    }
}
