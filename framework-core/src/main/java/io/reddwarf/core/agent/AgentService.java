package io.reddwarf.core.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.db.tables.records.AgentCommandsRecord;
import io.reddwarf.core.db.tables.records.AgentsRecord;
import io.reddwarf.core.persistence.AgentRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.SecretBox;
import io.reddwarf.core.tls.CertificateAuthority;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's side of its agents (docs/agent-protocol.md): enrolment with a client
 * certificate from the deployment's CA, revocation, heartbeats, and commands kept in the state
 * store until an agent reports their result, so neither side's crash loses one.
 */
public final class AgentService {
    private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /**
     * How often a waiting poll or await looks at the state store again without being woken: a
     * command or result recorded by this process wakes it at once; the state store is the truth.
     */
    private static final long RECHECK_MILLIS = 500;
    private static final int BATCH = 32;

    /** How long a recorded result is kept after the command ended (nobody awaits it longer). */
    private static final Duration KEEP_RESULTS = Duration.ofMinutes(10);

    private final AgentRepository agents;
    private final CertificateAuthority authority;
    private final SecretBox box;
    private final Clock clock;
    private final ConcurrentHashMap<String, Signal> commandSignals = new ConcurrentHashMap<>();
    private final Signal resultSignal = new Signal();
    private final AtomicLong nextPrune = new AtomicLong();

    /**
     * A wake-up that cannot be missed: a waiter reads the generation before it looks at the state
     * store and sleeps only while the generation is unchanged.
     */
    private static final class Signal {
        private long generation;

        synchronized long generation() {
            return generation;
        }

        synchronized void raise() {
            generation++;
            notifyAll();
        }

        synchronized void await(long seen, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            long left = millis;
            while (generation == seen && left > 0) {
                wait(left);
                left = (deadline - System.nanoTime()) / 1_000_000;
            }
        }
    }

    public AgentService(AgentRepository agents, CertificateAuthority authority, SecretBox box, Clock clock) {
        this.agents = requireNonNull(agents, "agents is null");
        this.authority = requireNonNull(authority, "authority is null");
        this.box = requireNonNull(box, "box is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What enrolment hands out once: the agent's id, its key and certificate, and the authority. */
    public record Enrolment(AgentView agent, CertificateAuthority.Credential credential, String authorityPem) {}

    /** An agent as the management API shows it. */
    public record AgentView(String id, String name, Instant created, Optional<Instant> revoked,
            Optional<Instant> lastHeartbeat, Optional<String> version) {
        static AgentView of(AgentsRecord row) {
            return new AgentView(row.getId(), row.getName(), InstanceRepository.instant(row.getCreatedAt()),
                    Optional.ofNullable(row.getRevokedAt()).map(InstanceRepository::instant),
                    Optional.ofNullable(row.getLastHeartbeatAt()).map(InstanceRepository::instant),
                    Optional.ofNullable(row.getAgentVersion()));
        }
    }

    /**
     * Enrols an agent named {@code name}: a new id and a client certificate whose serial the
     * agent's row records. The private key is in the answer only; it is not kept.
     */
    public Enrolment enrol(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ReddwarfException.badRequest("An agent name must be 1-64 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit.");
        }
        if (agents.findByName(name).isPresent()) {
            throw ReddwarfException.badRequest("An agent named '" + name + "' is already enrolled.");
        }
        String id = UUID.randomUUID().toString();
        CertificateAuthority.Credential credential = authority.issueClient(id);
        agents.insert(id, name, credential.serialHex(), clock.instant());
        LOG.info("Enrolled agent {} ({})", id, name);
        return new Enrolment(get(id), credential, authority.certificatePem());
    }

    public List<AgentView> list() {
        return agents.list().stream().map(AgentView::of).toList();
    }

    public AgentView get(String id) {
        return agents.find(id).map(AgentView::of).orElseThrow(() -> ReddwarfException.notFound(
                "Agent " + id + " cannot be found."));
    }

    /** Refuses the agent from now on, whatever certificate it shows. */
    public void revoke(String id) {
        get(id);
        if (agents.revoke(id, clock.instant())) {
            LOG.warn("Revoked agent {}", id);
        }
    }

    /**
     * The id of the enrolled, unrevoked agent that presented a certificate with common name
     * {@code commonName} and serial {@code serialHex}; empty (and logged) otherwise.
     */
    public Optional<String> authenticate(String commonName, String serialHex) {
        Optional<AgentsRecord> row = agents.find(commonName);
        if (row.isEmpty()) {
            LOG.warn("Refused an agent certificate for unknown agent {}", commonName);
            return Optional.empty();
        }
        if (row.get().getRevokedAt() != null) {
            LOG.warn("Refused revoked agent {}", commonName);
            return Optional.empty();
        }
        if (!row.get().getCertificateSerial().equalsIgnoreCase(serialHex)) {
            LOG.warn("Refused agent {}: its certificate (serial {}) is not the one issued to it", commonName, serialHex);
            return Optional.empty();
        }
        return Optional.of(commonName);
    }

    public void heartbeat(String agentId, Heartbeat heartbeat) {
        agents.heartbeat(agentId, heartbeat.agentVersion(), clock.instant());
    }

    /**
     * The agent's unfinished commands that its process {@code session} has not taken yet, waiting
     * up to {@code wait} for one to appear.
     */
    public List<Command> poll(String agentId, String session, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Signal signal = commandSignals.computeIfAbsent(agentId, k -> new Signal());
        while (true) {
            long seen = signal.generation();
            List<AgentCommandsRecord> rows = agents.deliver(agentId, session, BATCH, clock.instant());
            long left = deadline - System.nanoTime();
            if (!rows.isEmpty() || left <= 0) {
                List<Command> commands = new ArrayList<>();
                for (AgentCommandsRecord row : rows) {
                    commands.add(new Command(row.getId(), row.getInstanceId(), row.getOperation(),
                            read(box.open(row.getArguments()))));
                }
                return commands;
            }
            signal.await(seen, Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
        }
    }

    /** Records the agent's results; answers the ids it may forget (its own, recorded now or before). */
    public List<String> complete(String agentId, List<Result> results) {
        List<String> acknowledged = new ArrayList<>();
        for (Result result : results) {
            String text;
            try {
                text = Protocol.json().writeValueAsString(result);
            } catch (JsonProcessingException e) {
                throw ReddwarfException.badRequest("A result cannot be stored: " + e.getOriginalMessage());
            }
            if (agents.complete(agentId, result.id(), box.seal(text), clock.instant())) {
                acknowledged.add(result.id());
                resultSignal.raise();
            } else {
                LOG.warn("Agent {} reported a result for command {}, which is not its own", agentId, result.id());
            }
        }
        return acknowledged;
    }

    /** Queues a command for the agent; returns its id. */
    public String submit(String agentId, Optional<String> instanceId, String operation, JsonNode arguments) {
        get(agentId);
        String id = UUID.randomUUID().toString();
        try {
            agents.insertCommand(id, agentId, instanceId.orElse(null), operation,
                    box.seal(Protocol.json().writeValueAsString(arguments)), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        commandSignals.computeIfAbsent(agentId, k -> new Signal()).raise();
        pruneNowAndThen();
        return id;
    }

    /** The command's result once the agent reported it, waiting up to {@code timeout}. */
    public Optional<Result> await(String commandId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = resultSignal.generation();
            Optional<AgentCommandsRecord> row = agents.findCommand(commandId);
            if (row.isPresent() && AgentRepository.DONE.equals(row.get().getState())) {
                try {
                    return Optional.of(Protocol.json().readValue(box.open(row.get().getResult()), Result.class));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("stored result of " + commandId + " is unreadable", e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            resultSignal.await(seen, Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
        }
    }

    /**
     * Submits a command and waits for its result. A command not answered in time is withdrawn, so
     * an agent that comes back later does not carry out what nobody waits for any more (one it had
     * already taken may still end; its report is then kept and ignored).
     *
     * @return the result, or empty when the agent did not answer within {@code timeout}
     */
    public Optional<Result> call(String agentId, Optional<String> instanceId, String operation, JsonNode arguments,
            Duration timeout) {
        String id = submit(agentId, instanceId, operation, arguments);
        try {
            Optional<Result> result = await(id, timeout);
            if (result.isEmpty() && withdraw(id)) {
                return Optional.empty();
            }
            return result.isPresent() ? result : await(id, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(id);
            throw new IllegalStateException("interrupted while waiting for agent " + agentId, e);
        }
    }

    private boolean withdraw(String commandId) {
        try {
            String text = Protocol.json().writeValueAsString(Result.failed(commandId, "withdrawn",
                    "Nobody waited for the result any more."));
            return agents.abandon(commandId, box.seal(text), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets old results about once a minute, on the way of a submission. */
    private void pruneNowAndThen() {
        long now = System.nanoTime();
        long due = nextPrune.get();
        if (now - due >= 0 && nextPrune.compareAndSet(due, now + Duration.ofMinutes(1).toNanos())) {
            int forgotten = agents.forgetDone(clock.instant().minus(KEEP_RESULTS));
            if (forgotten > 0) {
                LOG.debug("Forgot {} agent command results older than {}", forgotten, KEEP_RESULTS);
            }
        }
    }

    private static JsonNode read(String json) {
        try {
            return Protocol.json().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored arguments are unreadable", e);
        }
    }
}
