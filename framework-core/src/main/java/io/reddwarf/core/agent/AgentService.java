package io.reddwarf.core.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.InstanceWire;
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

    /** A heartbeat's report on an engine is used for this long after it arrived. */
    static final Duration REPORT_FRESH = Duration.ofSeconds(5);
    /**
     * A report is used only if it arrived this long after the last command that changes its
     * instance (not one of {@link InstanceWire#READ_ONLY}) was submitted or answered: an agent gathers a heartbeat in at most half its interval (2 s by
     * default), so such a report was gathered after that command and says what it left.
     */
    static final Duration REPORT_SETTLE = Duration.ofSeconds(2);

    /** One engine's health as its agent's heartbeat reported it. */
    public record Reported(String agentId, String health, String detail, long receivedNanos) {}

    /**
     * The engine health the agent {@code agentId} reported for the instance in a recent heartbeat,
     * gathered after the last command on it; empty when there is none such (then ask the agent).
     */
    public Optional<Reported> reportedHealth(String agentId, String instanceId) {
        Reported report = reports.get(instanceId);
        if (report == null || !report.agentId().equals(agentId)) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        Long command = lastCommand.get(instanceId);
        boolean fresh = now - report.receivedNanos() < REPORT_FRESH.toNanos();
        boolean settled = command == null || report.receivedNanos() - command > REPORT_SETTLE.toNanos();
        return fresh && settled ? Optional.of(report) : Optional.empty();
    }

    /** An agent not heard from for this long (three missed heartbeats at the default interval) is unreachable. */
    public static final Duration UNREACHABLE_AFTER = Duration.ofSeconds(6);
    /** How long a recorded result is kept after the command ended (nobody awaits it longer). */
    private static final Duration KEEP_RESULTS = Duration.ofMinutes(10);

    private final AgentRepository agents;
    private final CertificateAuthority authority;
    private final SecretBox box;
    private final Clock clock;
    private final ConcurrentHashMap<String, Signal> commandSignals = new ConcurrentHashMap<>();
    private final Signal resultSignal = new Signal();
    private final AtomicLong nextPrune = new AtomicLong();
    private final ConcurrentHashMap<String, Long> lastContact = new ConcurrentHashMap<>();
    /** The last engine health each instance's agent reported, by instance id. */
    private final ConcurrentHashMap<String, Reported> reports = new ConcurrentHashMap<>();
    /** When a command on each instance was last submitted or answered (System.nanoTime). */
    private final ConcurrentHashMap<String, Long> lastCommand = new ConcurrentHashMap<>();
    private final long startedNanos = System.nanoTime();
    /** How far the commands in progress have got, from their agents' latest heartbeats, by command id. */
    private final ConcurrentHashMap<Tracked, Heartbeat.Progress> progress = new ConcurrentHashMap<>();
    /** The configuration each instance about to be prepared starts with, until its preparation takes it. */
    private final ConcurrentHashMap<String, java.util.Map<String, String>> preparedConfigurations = new ConcurrentHashMap<>();

    /** A command as its agent names it in heartbeats: an agent reports only on its own commands. */
    private record Tracked(String agentId, String command) {}

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
            Optional<Instant> lastHeartbeat, Optional<String> version, boolean reachable) {}

    private AgentView view(AgentsRecord row) {
        return new AgentView(row.getId(), row.getName(), InstanceRepository.instant(row.getCreatedAt()),
                Optional.ofNullable(row.getRevokedAt()).map(InstanceRepository::instant),
                Optional.ofNullable(row.getLastHeartbeatAt()).map(InstanceRepository::instant),
                Optional.ofNullable(row.getAgentVersion()), row.getRevokedAt() == null && reachable(row.getId()));
    }

    /**
     * Whether the agent was heard from (a heartbeat, a poll or a report) within the last
     * {@link #UNREACHABLE_AFTER}; an agent not heard from since this process started counts as
     * reachable for that long, the time it needs to connect.
     */
    public boolean reachable(String agentId) {
        Long last = lastContact.get(agentId);
        long since = System.nanoTime() - (last == null ? startedNanos : last);
        return since < UNREACHABLE_AFTER.toNanos();
    }

    private void heardFrom(String agentId) {
        lastContact.put(agentId, System.nanoTime());
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
        return agents.list().stream().map(this::view).toList();
    }

    public AgentView get(String id) {
        return agents.find(id).map(this::view).orElseThrow(() -> ReddwarfException.notFound(
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
        heardFrom(agentId);
        long now = System.nanoTime();
        for (Heartbeat.InstanceHealth health : heartbeat.instances()) {
            reports.put(health.id(), new Reported(agentId, health.health(), health.detail(), now));
        }
        // reports of this agent's instances that it no longer mentions (gone, or busy) age out
        reports.values().removeIf(r -> r.agentId().equals(agentId) && now - r.receivedNanos() > REPORT_FRESH.toNanos());
        progress.keySet().removeIf(t -> t.agentId().equals(agentId));
        for (Heartbeat.Progress p : heartbeat.progress()) {
            progress.put(new Tracked(agentId, p.command()), p);
        }
        agents.heartbeat(agentId, heartbeat.agentVersion(), clock.instant());
    }

    /**
     * The agent's unfinished commands that its process {@code session} has not taken yet, waiting
     * up to {@code wait} for one to appear.
     */
    public List<Command> poll(String agentId, String session, Duration wait) throws InterruptedException {
        return poll(agentId, session, wait, Optional.empty());
    }

    /**
     * As {@link #poll(String, String, Duration)}; the first preparation delivered that asks for a
     * certificate carries one for {@code offered}, the public key the agent made and offered with
     * this poll, issued for the instance and address of the stored command ({@code tls.certificate},
     * {@code tls.authority}); others certify a key of their own while they run ({@link #certify}).
     */
    public List<Command> poll(String agentId, String session, Duration wait, Optional<java.security.PublicKey> offered)
            throws InterruptedException {
        heardFrom(agentId);
        long deadline = System.nanoTime() + wait.toNanos();
        Signal signal = commandSignals.computeIfAbsent(agentId, k -> new Signal());
        while (true) {
            long seen = signal.generation();
            List<AgentCommandsRecord> rows = agents.deliver(agentId, session, BATCH, clock.instant());
            long left = deadline - System.nanoTime();
            if (!rows.isEmpty() || left <= 0) {
                List<Command> commands = new ArrayList<>();
                Optional<java.security.PublicKey> unused = offered;
                for (AgentCommandsRecord row : rows) {
                    JsonNode arguments = read(box.open(row.getArguments()));
                    if (unused.isPresent() && PREPARATIONS.contains(row.getOperation())
                            && arguments.path("tls").path("request").asBoolean()
                            && arguments.get("tls") instanceof com.fasterxml.jackson.databind.node.ObjectNode tls) {
                        var issued = issueFor(row, arguments, unused.get());
                        tls.put("certificate", issued.certificate()).put("authority", issued.authority());
                        unused = Optional.empty();
                    }
                    commands.add(new Command(row.getId(), row.getInstanceId(), row.getOperation(), arguments));
                }
                return commands;
            }
            signal.await(seen, Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
        }
    }

    /** Records the agent's results; answers the ids it may forget (its own, recorded now or before). */
    public List<String> complete(String agentId, List<Result> results) {
        heardFrom(agentId);
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

    /**
     * Keeps the configuration the instance's next preparation carries to its agent (in memory: a
     * control plane that restarts builds the instance again, configuration first).
     */
    public void configureForPreparation(String instanceId, java.util.Map<String, String> values) {
        preparedConfigurations.put(instanceId, java.util.Map.copyOf(values));
    }

    /** The configuration kept for the instance's preparation, handed out once. */
    public Optional<java.util.Map<String, String>> takeConfigurationForPreparation(String instanceId) {
        return Optional.ofNullable(preparedConfigurations.remove(instanceId));
    }

    /** The operations during which an agent may have its instance's key certified. */
    private static final java.util.Set<String> PREPARATIONS = java.util.Set.of("instance.prepare",
            "instance.prepare_for_physical_restore");

    /**
     * Signs the public key agent {@code agentId} made for the instance of its preparation command
     * {@code request.command()}: the command must be the agent's own, delivered and unanswered, a
     * preparation that asked for a certificate. The instance and the address the certificate names
     * come from the command the control plane stored, so an agent can have a key certified only for
     * an instance it is preparing now, as that instance.
     */
    public io.reddwarf.agent.protocol.CertificateRequest.Issued certify(String agentId,
            io.reddwarf.agent.protocol.CertificateRequest request) {
        heardFrom(agentId);
        AgentCommandsRecord row = agents.findCommand(request.command())
                .filter(r -> r.getAgentId().equals(agentId) && AgentRepository.PENDING.equals(r.getState())
                        && r.getDeliveredTo() != null && PREPARATIONS.contains(r.getOperation()))
                .orElseThrow(() -> {
                    LOG.warn("Refused agent {} a certificate: command {} is not a preparation it is running", agentId,
                            request.command());
                    return ReddwarfException.forbidden("Command " + request.command()
                            + " is not a preparation this agent is running.");
                });
        JsonNode arguments = read(box.open(row.getArguments()));
        if (!arguments.path("tls").path("request").asBoolean()) {
            throw ReddwarfException.forbidden("Command " + request.command() + " did not ask for a certificate.");
        }
        java.security.PublicKey publicKey;
        try {
            publicKey = ecPublicKey(java.util.Base64.getDecoder().decode(request.publicKey()));
        } catch (IllegalArgumentException e) {
            throw ReddwarfException.badRequest("public_key is not a base64 DER EC public key: " + e.getMessage());
        }
        var issued = issueFor(row, arguments, publicKey);
        LOG.info("Issued the TLS certificate of instance {} for the key agent {} made", row.getInstanceId(), agentId);
        return issued;
    }

    /**
     * The certificate for {@code publicKey} as the instance of the stored preparation {@code row}
     * ({@code arguments} opened), at the address that preparation names: never names an agent sends.
     */
    private io.reddwarf.agent.protocol.CertificateRequest.Issued issueFor(AgentCommandsRecord row, JsonNode arguments,
            java.security.PublicKey publicKey) {
        String address = InstanceWire.spec(InstanceWire.field(arguments, "instance")).address();
        return new io.reddwarf.agent.protocol.CertificateRequest.Issued(
                authority.issueInstance(publicKey, row.getInstanceId(), address), authority.certificatePem());
    }

    /**
     * The EC public key in {@code der} (X.509 SubjectPublicKeyInfo).
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static java.security.PublicKey ecPublicKey(byte[] der) {
        try {
            return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(der));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Queues a command for the agent; returns its id. */
    public String submit(String agentId, Optional<String> instanceId, String operation, JsonNode arguments) {
        get(agentId);
        String id = UUID.randomUUID().toString();
        insert(id, agentId, instanceId, operation, arguments);
        return id;
    }

    /**
     * Queues command {@code id} for the agent unless a command of that id exists already (this
     * control plane submitted it before it restarted): then the caller waits for that one.
     */
    private void submitOnce(String id, String agentId, Optional<String> instanceId, String operation, JsonNode arguments) {
        get(agentId);
        if (agents.findCommand(id).isPresent()) {
            LOG.info("Command {} ({}) was submitted before; waiting for its result", id, operation);
            return;
        }
        try {
            insert(id, agentId, instanceId, operation, arguments);
        } catch (org.jooq.exception.DataAccessException e) {
            if (agents.findCommand(id).isEmpty()) {
                throw e;
            }
        }
    }

    private void insert(String id, String agentId, Optional<String> instanceId, String operation, JsonNode arguments) {
        try {
            agents.insertCommand(id, agentId, instanceId.orElse(null), operation,
                    box.seal(Protocol.json().writeValueAsString(arguments)), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        commandSignals.computeIfAbsent(agentId, k -> new Signal()).raise();
        pruneNowAndThen();
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
        return call(agentId, instanceId, operation, arguments, timeout, Optional.empty(), null);
    }

    /**
     * As {@link #call(String, Optional, String, JsonNode, Duration)}; a command named
     * {@code commandId} is submitted once: a caller that asks again after the control plane
     * restarted waits for the command already submitted. {@code onProgress}, when given, hears about
     * once a second how far the agent reported the command has got.
     */
    public Optional<Result> call(String agentId, Optional<String> instanceId, String operation, JsonNode arguments,
            Duration timeout, Optional<String> commandId, java.util.function.Consumer<Heartbeat.Progress> onProgress) {
        boolean changes = !InstanceWire.READ_ONLY.contains(operation);
        if (changes) {
            instanceId.ifPresent(i -> lastCommand.put(i, System.nanoTime()));
        }
        String id;
        if (commandId.isPresent()) {
            id = commandId.get();
            submitOnce(id, agentId, instanceId, operation, arguments);
        } else {
            id = submit(agentId, instanceId, operation, arguments);
        }
        try {
            Optional<Result> result = onProgress == null ? await(id, timeout) : awaitReporting(agentId, id, timeout, onProgress);
            if (changes) {
                instanceId.ifPresent(i -> lastCommand.put(i, System.nanoTime()));
            }
            if (result.isEmpty() && withdraw(id)) {
                return Optional.empty();
            }
            return result.isPresent() ? result : await(id, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(id);
            throw new IllegalStateException("interrupted while waiting for agent " + agentId, e);
        } finally {
            progress.remove(new Tracked(agentId, id));
        }
    }

    /**
     * {@link #call(String, Optional, String, JsonNode, Duration)} for a caller that needs the answer:
     * the result's value, empty when the agent did not answer in time.
     *
     * @throws io.reddwarf.spi.DatastoreException saying why the operation failed on the agent
     */
    public Optional<JsonNode> ask(String agentId, Optional<String> instanceId, String operation, JsonNode arguments,
            Duration timeout) {
        return call(agentId, instanceId, operation, arguments, timeout).map(result -> {
            if (!Result.OK.equals(result.outcome())) {
                throw new io.reddwarf.spi.DatastoreException(result.error() == null
                        ? "'" + operation + "' failed on the agent without a reason."
                        : result.error().message());
            }
            return result.value() == null ? Protocol.json().createObjectNode() : result.value();
        });
    }

    /** As {@link #ask}; an agent that does not answer in time is a {@link io.reddwarf.spi.DatastoreException} too. */
    public JsonNode require(String agentId, Optional<String> instanceId, String operation, JsonNode arguments,
            Duration timeout) {
        return ask(agentId, instanceId, operation, arguments, timeout).orElseThrow(
                () -> new io.reddwarf.spi.DatastoreException("The agent did not answer '" + operation + "' within "
                        + timeout.toSeconds() + " s."));
    }

    /** Waits for command {@code id}, passing on the progress its own agent reports (no other agent's). */
    private Optional<Result> awaitReporting(String agentId, String id, Duration timeout,
            java.util.function.Consumer<Heartbeat.Progress> onProgress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Heartbeat.Progress last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            Optional<Result> result = await(id, Duration.ofNanos(Math.max(0, Math.min(left, 1_000_000_000L))));
            if (result.isPresent() || left <= 1_000_000_000L) {
                return result;
            }
            Heartbeat.Progress reported = progress.get(new Tracked(agentId, id));
            if (reported != null && !reported.equals(last)) {
                last = reported;
                onProgress.accept(last);
            }
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
