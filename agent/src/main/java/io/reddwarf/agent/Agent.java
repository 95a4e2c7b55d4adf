package io.reddwarf.agent;

import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
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
    private volatile boolean running = true;

    Agent(AgentConfig config, ControlPlaneClient client, Journal journal, Operations operations, String version) {
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
    }

    /** Starts the loops of the agent configured in {@code config}. */
    public static Agent start(AgentConfig config, String version) {
        ControlPlaneClient client = new ControlPlaneClient(config.controlPlane(), Credentials.sslContext(
                config.home().resolve(AgentConfig.KEY), config.home().resolve(AgentConfig.CERTIFICATE),
                config.home().resolve(AgentConfig.AUTHORITY)));
        Operations operations = new Operations(version, Operations.loadDrivers(Agent.class.getClassLoader()));
        Agent agent = new Agent(config, client, new Journal(config.journalDir()), operations, version);
        agent.heartbeats.scheduleWithFixedDelay(agent::heartbeat, 0, config.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        agent.poller.start();
        LOG.info("Agent {} (version {}, protocol {}) reports to {}", config.agentId(), version, Protocol.VERSION,
                config.controlPlane());
        return agent;
    }

    private void heartbeat() {
        try {
            client.heartbeat(new Heartbeat(version, List.of()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Heartbeat not delivered: {}", e.getMessage());
        }
    }

    private void pollLoop() {
        Duration pause = Duration.ofMillis(250);
        while (running) {
            try {
                reportUnacknowledged();
                List<Command> commands = client.poll(POLL_WAIT);
                List<Result> results = new ArrayList<>();
                for (Command command : commands) {
                    results.add(handle(command));
                }
                if (!results.isEmpty()) {
                    acknowledge(client.report(results));
                }
                pause = Duration.ofMillis(250);
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Cannot reach the control plane ({}); trying again in {} ms", e.getMessage(), pause.toMillis());
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
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
            journal.begin(command.id());
            long started = System.nanoTime();
            result = operations.run(command);
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

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        poller.interrupt();
    }

    AgentConfig config() {
        return config;
    }
}
