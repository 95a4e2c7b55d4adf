package io.reddwarf.core.provider;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.InstanceWire;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.StoredBackup;
import io.reddwarf.core.agent.AgentDatastoreInstance;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.tls.CertificateAuthority;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor;
import io.reddwarf.spi.SecretStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places every instance on the host of one enrolled agent, which need share nothing with the
 * control plane but the agent protocol: the agent makes the instances' directories, keys and
 * engines, answers which instances it holds, and releases them. The agent is named in the
 * configuration ({@code provider.agent-host.agent}) and enrolled through the API; until it is,
 * nothing can be placed. Instances are reached at the address the configuration gives
 * ({@code provider.agent-host.address}), which the agent's engines listen on.
 */
public final class AgentHostProvider implements InstanceProvider {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHostProvider.class);
    private static final Duration QUICK = Duration.ofSeconds(5);
    private static final Duration RELEASE = Duration.ofMinutes(10);

    private final AgentService agents;
    private final String agentName;
    private final String address;
    private final PortRange ports;
    private final CertificateAuthority authority;
    private volatile String agentId;

    public AgentHostProvider(AgentService agents, String agentName, String address, PortRange ports,
            CertificateAuthority authority) {
        this.agents = requireNonNull(agents, "agents is null");
        this.agentName = requireNonNull(agentName, "agentName is null");
        this.address = requireNonNull(address, "address is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.authority = requireNonNull(authority, "authority is null");
    }

    /** The enrolled, unrevoked agent of that name (names are never reused, so its id is looked up once). */
    public String agentId() {
        String id = agentId;
        if (id == null) {
            id = agents.list().stream().filter(a -> a.name().equals(agentName)).map(AgentService.AgentView::id)
                    .findFirst().orElseThrow(this::notEnrolled);
            agentId = id;
        }
        if (agents.get(id).revoked().isPresent()) {
            throw notEnrolled();
        }
        return id;
    }

    /** The deployment lacks the agent it names: the service is unavailable, the request was fine. */
    private ReddwarfException notEnrolled() {
        return new ReddwarfException(ErrorCode.SERVICE_UNAVAILABLE, "No agent named '" + agentName
                + "' is enrolled: enrol it (POST /mgmt/agents) and start it on the instances' host.");
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public PortRange ports() {
        return ports;
    }

    /**
     * Asks the agent; a port it cannot vouch for (it does not answer in time) is not available. An
     * agent that is away makes placing impossible: that is said as such, not as a full port range.
     */
    @Override
    public boolean portAvailable(int port) {
        String id = agentId();
        if (!agents.reachable(id)) {
            throw new ReddwarfException(ErrorCode.SERVICE_UNAVAILABLE, "The agent '" + agentName + "' of the instances' "
                    + "host has not been heard from for " + AgentService.UNREACHABLE_AFTER.toSeconds()
                    + " s; try again when it is back.");
        }
        ObjectNode args = Protocol.json().createObjectNode().put("address", address).put("port", port);
        return ask("agent.port_available", Optional.empty(), args, QUICK)
                .map(answer -> answer.path("available").asBoolean()).orElse(false);
    }

    /** A context naming the instance; its files are on the agent's host, out of this process's reach. */
    @Override
    public InstanceContext context(String instanceId, String type, DatastoreVersion version, Flavor flavor, int port) {
        return new RemoteContext(instanceId, version, flavor, address, port);
    }

    @Override
    public DatastoreInstance open(Datastore driver, InstanceContext context) {
        return handle(driver.type(), context);
    }

    @Override
    public InstanceConfiguration configuration(ConfigRenderer renderer, InstanceContext context) {
        return handle(renderer.datastoreType(), context).configuration();
    }

    @Override
    public InstanceBackups backups(BackupPipeline pipeline, DatastoreInstance instance, InstanceContext context) {
        return handle(instance.type(), context).backups(pipeline.keys());
    }

    @Override
    public void checkBackups(BackupPipeline pipeline, List<StoredBackup> chain) {
        AgentDatastoreInstance.checkBackups(agents, agentId(), pipeline.keys(), chain);
    }

    private AgentDatastoreInstance handle(String type, InstanceContext context) {
        return new AgentDatastoreInstance(agents, agentId(), context.instanceId(), new InstanceWire.Spec(type,
                context.version(), context.flavor(), context.bindAddress(), context.port()), true);
    }

    /**
     * Whether the agent holds the instance's directory; when the agent cannot say (unreachable),
     * the instance is taken to exist: nothing is declared lost on an outage.
     */
    @Override
    public boolean exists(String instanceId) {
        try {
            return instancesOnAgent().map(ids -> ids.contains(instanceId)).orElse(true);
        } catch (DatastoreException | ReddwarfException e) {
            return true;
        }
    }

    @Override
    public void stopLeftovers(String instanceId) {
        require("instance.stop_leftovers", instanceId, RELEASE);
    }

    @Override
    public void stopLeftoverTools(String instanceId) {
        require("instance.stop_leftover_tools", instanceId, RELEASE);
    }

    @Override
    public void release(String instanceId) {
        require("instance.release", instanceId, RELEASE);
    }

    /**
     * Releases the instances the agent holds that no live row owns; with the agent away, nothing
     * (it is reconciled at the next start of the control plane).
     */
    @Override
    public Reconciliation reconcile(Set<String> liveIds) {
        Optional<Set<String>> held;
        try {
            held = instancesOnAgent();
        } catch (DatastoreException | ReddwarfException e) {
            LOG.info("Not reconciling the agent host: {}", e.getMessage());
            return new Reconciliation(Set.of(), 0);
        }
        Set<String> released = new TreeSet<>();
        for (String id : held.orElse(Set.of())) {
            if (!liveIds.contains(id)) {
                LOG.warn("Releasing instance {} on agent '{}', which has no live record", id, agentName);
                try {
                    release(id);
                    released.add(id);
                } catch (DatastoreException e) {
                    LOG.warn("Could not release instance {}: {}", id, e.getMessage());
                }
            }
        }
        return new Reconciliation(released, 0);
    }

    @Override
    public String certificateAuthorityPem() {
        return authority.certificatePem();
    }

    private Optional<Set<String>> instancesOnAgent() {
        return ask("agent.instances", Optional.empty(), Protocol.json().createObjectNode(), QUICK).map(answer -> {
            Set<String> ids = new HashSet<>();
            answer.path("instances").forEach(id -> ids.add(id.asText()));
            return ids;
        });
    }

    /** The command's value; empty when the agent is unreachable or does not answer in time. */
    private Optional<JsonNode> ask(String operation, Optional<String> instanceId, ObjectNode args, Duration timeout) {
        String agentId = agentId();
        if (!agents.reachable(agentId)) {
            return Optional.empty();
        }
        return agents.ask(agentId, instanceId, operation, args, timeout);
    }

    private void require(String operation, String instanceId, Duration timeout) {
        agents.require(agentId(), Optional.of(instanceId), operation, Protocol.json().createObjectNode(), timeout);
    }

    /** What the control plane knows of an instance on the agent's host: no files, no processes. */
    private record RemoteContext(String instanceId, io.reddwarf.spi.DatastoreVersion version, Flavor flavor,
            String bindAddress, int port) implements InstanceContext {
        private UnsupportedOperationException remote() {
            return new UnsupportedOperationException("Instance " + instanceId + " lives on its agent's host");
        }

        @Override
        public Path homeDir() {
            throw remote();
        }

        @Override
        public Path dataDir() {
            throw remote();
        }

        @Override
        public Path confDir() {
            throw remote();
        }

        @Override
        public Path logDir() {
            throw remote();
        }

        @Override
        public Path runDir() {
            throw remote();
        }

        @Override
        public Path templateDir() {
            throw remote();
        }

        @Override
        public ProcessSupervisor processes() {
            throw remote();
        }

        @Override
        public SecretStore secrets() {
            throw remote();
        }
    }
}
