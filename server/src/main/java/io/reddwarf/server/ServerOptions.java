package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * The command line of {@code reddwarf-server.jar}.
 *
 * @param port  the API port (default 8779, 0 for any free port)
 * @param bind  the address the API listens on (default 127.0.0.1)
 * @param home  the state directory (default {@code $REDDWARF_HOME}, else {@code ./.reddwarf})
 */
public record ServerOptions(int port, String bind, Path home) {
    public static final int DEFAULT_PORT = 8779;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final String USAGE = """
            Usage: java -jar reddwarf-server.jar [--port PORT] [--bind ADDRESS] [--home DIR]
              --port PORT     port of the API (default 8779)
              --bind ADDRESS  address to listen on (default 127.0.0.1)
              --home DIR      state directory (default $REDDWARF_HOME, else ./.reddwarf)
            Add a project (while the server runs or not):
                   java -jar reddwarf-server.jar project create NAME [--home DIR]
            """;

    public ServerOptions {
        requireNonNull(bind, "bind is null");
        home = requireNonNull(home, "home is null").toAbsolutePath().normalize();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Thrown for a command line that cannot be understood; its message says why. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Thrown for {@code --help}. */
    public static final class HelpRequested extends Exception {
        private static final long serialVersionUID = 1L;
    }

    public static ServerOptions parse(String[] args, Map<String, String> env) throws UsageException, HelpRequested {
        int port = DEFAULT_PORT;
        String bind = DEFAULT_BIND;
        String envHome = env.get("REDDWARF_HOME");
        Path home = Path.of(envHome != null && !envHome.isBlank() ? envHome : ".reddwarf");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> throw new HelpRequested();
                case "--port", "--bind", "--home" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--port" -> port = port(value);
                        case "--bind" -> bind = nonEmpty(arg, value);
                        default -> home = Path.of(nonEmpty(arg, value));
                    }
                }
                default -> throw new UsageException("unknown argument: " + arg);
            }
        }
        return new ServerOptions(port, bind, home);
    }

    private static int port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--port must be a number from 0 to 65535: " + value);
    }

    private static String nonEmpty(String arg, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(arg + " needs a value");
        }
        return value;
    }
}
