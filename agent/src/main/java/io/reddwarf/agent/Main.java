package io.reddwarf.agent;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar reddwarf-agent.jar --home DIR}: runs the agent whose settings and credentials
 * are in {@code DIR} (written by the control plane when it enrolled the agent).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("--home")) {
            System.err.println("usage: java -jar reddwarf-agent.jar --home DIR");
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        AgentConfig config;
        try {
            config = AgentConfig.load(Path.of(args[1]).toAbsolutePath());
        } catch (IllegalArgumentException e) {
            System.err.println("reddwarf-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        String version = Main.class.getPackage().getImplementationVersion();
        Agent agent = Agent.start(config, version == null ? "development" : version);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Agent stopping; engines keep running");
            agent.close();
        }, "agent-shutdown"));
    }
}
