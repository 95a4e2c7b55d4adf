package io.reddwarf.agent;

import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.backup.pipeline.FileSystemObjectStore;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.Plugins;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loops: a heartbeat every interval, and a long poll for commands whose results are
 * journalled before they are reported. Every connection is opened by the agent. When the control
 * plane cannot be reached the agent keeps its engines running, keeps the results it has not been
 * able to report, and tries again with a growing pause (up to 10 s).
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration POLL_WAIT = Duration.ofSeconds(20);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    private final AgentConfig config;
    private final ControlPlaneClient client;
    private final Journal journal;
    private final Operations operations;
    private final String version;
    private final ScheduledExecutorService heartbeats;
    private final Thread poller;
    /** This process's session: the control plane hands a command to one session once. */
    private final String session = UUID.randomUUID().toString();
    /** Commands being carried out now. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** The last command queued for each instance: one instance's commands run one after another. */
    private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final OfferedKeys offeredKeys;
    private volatile boolean running = true;

    Agent(AgentConfig config, ControlPlaneClient client, Journal journal, Operations operations, String version) {
        this(config, client, journal, operations, version, new OfferedKeys());
    }

    Agent(AgentConfig config, ControlPlaneClient client, Journal journal, Operations operations, String version,
            OfferedKeys offeredKeys) {
        this.offeredKeys = offeredKeys;
        this.config = config;
        this.client = client;
        this.journal = journal;
        this.operations = operations;
        this.version = version;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.poller = new Thread(this::pollLoop, "agent-commands");
        AtomicInteger workerCount = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "agent-worker-" + workerCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loops of the agent configured in {@code config}. */
    public static Agent start(AgentConfig config, String version) {
        ControlPlaneClient client = new ControlPlaneClient(config.controlPlane(), Credentials.sslContext(
                config.home().resolve(AgentConfig.KEY), config.home().resolve(AgentConfig.CERTIFICATE),
                config.home().resolve(AgentConfig.AUTHORITY)));
        var drivers = Operations.loadDrivers(Agent.class.getClassLoader());
        OfferedKeys offeredKeys = new OfferedKeys();
        InstanceOperations instances = new InstanceOperations(drivers, Plugins.load(ConfigRenderer.class,
                Agent.class.getClassLoader(),
                e -> LOG.error("Skipping a configuration renderer that cannot be loaded: {}", e.getMessage())),
                config.instancesDir(), config.templatesDir(), client::certify, offeredKeys);
        BackupOperations backups = new BackupOperations(Plugins.load(BackupStrategy.class, Agent.class.getClassLoader(),
                e -> LOG.error("Skipping a backup strategy that cannot be loaded: {}", e.getMessage())),
                new FileSystemObjectStore(config.backupsDir()), instances);
        Operations operations = new Operations(version, drivers, instances, backups);
        Agent agent = new Agent(config, client, new Journal(config.journalDir()), operations, version, offeredKeys);
        agent.heartbeats.scheduleWithFixedDelay(agent::heartbeat, 0, config.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        agent.poller.start();
        LOG.info("Agent {} (version {}, protocol {}) reports to {}", config.agentId(), version, Protocol.VERSION,
                config.controlPlane());
        return agent;
    }

    private void heartbeat() {
        if (!java.nio.file.Files.isRegularFile(config.home().resolve(AgentConfig.FILE))) {
            LOG.warn("{} is gone: this agent was removed from its host; stopping (engines keep running)",
                    config.home().resolve(AgentConfig.FILE));
            close();
            Runtime.getRuntime().halt(0);
            return;
        }
        try {
            Set<String> busy;
            synchronized (lanes) {
                busy = Set.copyOf(lanes.keySet());
            }
            client.heartbeat(new Heartbeat(version, operations.health(busy,
                    config.heartbeatInterval().dividedBy(2)), operations.progress()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Heartbeat not delivered: {}", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void pollLoop() {
        Duration pause = Duration.ofMillis(250);
        while (running) {
            try {
                reportUnacknowledged();
                for (Command command : client.poll(session, POLL_WAIT, offeredKeys.offer())) {
                    offeredKeys.delivered(command);
                    dispatch(command);
                }
                pause = Duration.ofMillis(250);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Cannot reach the control plane ({}); trying again in {} ms", e.getMessage() == null ? e.toString() : e.getMessage(), pause.toMillis());
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /**
     * Runs the command beside the others: commands on different instances at once, commands on one
     * instance in the order they came. Each result is reported as soon as it is journalled.
     */
    private void dispatch(Command command) {
        if (command.id() == null || !inFlight.add(command.id())) {
            return;
        }
        Runnable work = () -> {
            try {
                Result result;
                try {
                    result = handle(command);
                } catch (Stopping stopping) {
                    return;
                }
                try {
                    acknowledge(client.report(List.of(result)));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Result of command {} not reported yet ({}); it is kept and sent again", command.id(),
                            e.getMessage());
                }
            } finally {
                inFlight.remove(command.id());
            }
        };
        if (command.instance().isEmpty()) {
            workers.execute(work);
            return;
        }
        String lane = command.instance();
        CompletableFuture<Void> next;
        synchronized (lanes) {
            CompletableFuture<Void> previous = lanes.getOrDefault(lane, CompletableFuture.completedFuture(null));
            next = previous.handleAsync((ignored, error) -> {
                work.run();
                return null;
            }, workers);
            lanes.put(lane, next);
        }
        next.whenComplete((ignored, error) -> {
            synchronized (lanes) {
                lanes.remove(lane, next);
            }
        });
    }

    /** Applies a command once: a repeated delivery is answered from the journal. */
    Result handle(Command command) {
        if (!Journal.validId(command.id())) {
            LOG.warn("Refusing a command with an invalid id");
            return Result.failed(String.valueOf(command.id()), "invalid", "A command id must be 1-128 letters, digits, '.', '_' or '-'.");
        }
        var recorded = journal.result(command.id());
        if (recorded.isPresent()) {
            LOG.info("Command {} ({}) was delivered again; answering with its recorded result", command.id(),
                    command.operation());
            return recorded.get();
        }
        Result result;
        if (journal.started(command.id()) && !operations.repeatable(command.operation())) {
            result = Result.failed(command.id(), "interrupted", "The agent stopped while running '" + command.operation()
                    + "', which is not safe to repeat.");
        } else {
            boolean interrupted = journal.started(command.id());
            if (interrupted) {
                LOG.warn("Command {} ({}) was interrupted when the agent stopped; running it again", command.id(),
                        command.operation());
            }
            journal.begin(command.id());
            long started = System.nanoTime();
            result = operations.run(command, interrupted);
            if (!running && !Result.OK.equals(result.outcome())) {
                // cut short by this agent's own stop (its threads are interrupted): not the command's
                // failure; it stays started in the journal and runs again when the agent is back
                LOG.warn("Command {} ({}) was cut short by the agent's stop; it runs again when the agent is back",
                        command.id(), command.operation());
                throw new Stopping();
            }
            LOG.info("Command {} ({}{}) ended {} in {} ms", command.id(), command.operation(),
                    command.instance().isEmpty() ? "" : " on " + command.instance(), result.outcome(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        journal.finish(result);
        return result;
    }

    private void reportUnacknowledged() throws IOException {
        List<Result> pending = journal.unacknowledged();
        if (!pending.isEmpty()) {
            acknowledge(client.report(pending));
        }
    }

    private void acknowledge(List<String> ids) {
        for (String id : ids) {
            if (Journal.validId(id)) {
                journal.forget(id);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A command cut short because this agent is stopping: nothing to record or report. */
    private static final class Stopping extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopping() {
            super(null, null, false, false);
        }
    }

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        poller.interrupt();
        workers.shutdownNow();
    }

    AgentConfig config() {
        return config;
    }
}
