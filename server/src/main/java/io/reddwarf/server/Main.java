package io.reddwarf.server;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar reddwarf-server.jar [--port 8779] [--home DIR] [--bind 127.0.0.1]} runs the server;
 * {@code java -jar reddwarf-server.jar project create NAME [--home DIR]} adds a project ({@link ProjectCommand}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("project")) {
            System.exit(ProjectCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(),
                    System.out, System.err));
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (ServerOptions.HelpRequested e) {
            System.out.print(ServerOptions.USAGE);
            return;
        } catch (ServerOptions.UsageException e) {
            System.err.println("reddwarf-server: " + e.getMessage());
            System.err.print(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(Main.class);
        ReddwarfServer server;
        try {
            server = ReddwarfServer.start(options);
        } catch (RuntimeException e) {
            log.error("Reddwarf could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping the API and the control plane; instances keep running");
            server.close();
        }, "reddwarf-shutdown"));
        log.info("Reddwarf API listening on {} (home {}, CLI config {})", server.baseUri(), options.home(),
                server.cloudsYaml());
        log.info("Agent listener on {} (docs/agent-protocol.md)", server.agentListener());
    }
}
