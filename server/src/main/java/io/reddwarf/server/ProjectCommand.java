package io.reddwarf.server;

import io.reddwarf.server.auth.CloudsYaml;
import io.reddwarf.server.auth.LocalCredentials;
import io.reddwarf.server.auth.LocalProject;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar reddwarf-server.jar project create NAME [--home DIR]}: adds a member project to
 * the home's {@code auth.properties} and its cloud {@code reddwarf-NAME} to {@code clouds.yaml},
 * whether the server runs or not (a running server reads the file again when the new token first
 * arrives). Prints the project's id on standard output, nothing else; the token is only written to
 * those two files (both 0600). Exit status: 0 done, 1 refused (name invalid or taken, a file that
 * cannot be written), 2 a command line that cannot be understood.
 */
final class ProjectCommand {
    static final String USAGE = """
            Usage: java -jar reddwarf-server.jar project create NAME [--home DIR]
              NAME        1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or a digit
              --home DIR  state directory (default $REDDWARF_HOME, else ./.reddwarf)
            """;
    static final int REFUSED = 1;
    static final int USAGE_ERROR = 2;

    private ProjectCommand() {
    }

    /** Runs {@code args} (the words after {@code project}); returns the exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        if (args.length == 0 || !args[0].equals("create")) {
            return usage(err, args.length == 0 ? "project needs a command: create" : "unknown project command: " + args[0]);
        }
        String name = null;
        String envHome = env.get("REDDWARF_HOME");
        Path home = Path.of(envHome != null && !envHome.isBlank() ? envHome : ".reddwarf");
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE);
                return 0;
            } else if (arg.equals("--home") || arg.startsWith("--home=")) {
                String value = arg.equals("--home") ? (i + 1 < args.length ? args[++i] : "") : arg.substring(7);
                if (value.isBlank()) {
                    return usage(err, "--home needs a value");
                }
                home = Path.of(value);
            } else if (arg.startsWith("-")) {
                return usage(err, "unknown argument: " + arg);
            } else if (name == null) {
                name = arg;
            } else {
                return usage(err, "project create takes one name, not also: " + arg);
            }
        }
        if (name == null) {
            return usage(err, "project create needs a name");
        }
        home = home.toAbsolutePath().normalize();
        LocalProject created;
        try {
            created = LocalCredentials.createProject(home, name);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("reddwarf-server: " + reason(e));
            return REFUSED;
        }
        Path clouds;
        try {
            clouds = CloudsYaml.refresh(home);
        } catch (UncheckedIOException | IllegalStateException e) {
            err.println("reddwarf-server: project " + name + " (" + created.id() + ") was created, but " + reason(e)
                    + "; the server writes it again at its next start");
            out.println(created.id());
            return REFUSED;
        }
        out.println(created.id());
        err.println("Project " + name + " created; its cloud is " + created.cloud() + " in " + clouds);
        return 0;
    }

    private static String reason(RuntimeException e) {
        return e instanceof UncheckedIOException io ? io.getMessage() + ": " + io.getCause().getMessage() : e.getMessage();
    }

    private static int usage(PrintStream err, String message) {
        err.println("reddwarf-server: " + message);
        err.print(USAGE);
        return USAGE_ERROR;
    }
}
