package io.reddwarf.driver.mysql;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor.Command;
import io.reddwarf.spi.ProcessSupervisor.ExecResult;
import io.reddwarf.spi.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs SQL through the engine's command-line client over the instance's unix socket, with the
 * statements on stdin so that no password appears in a command line.
 */
final class MySqlClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long the client waits for the server's greeting: a server that hangs (stopped, deadlocked)
     * accepts the connection but never greets, and the client would otherwise wait for {@link #TIMEOUT}.
     */
    private static final String CONNECT_TIMEOUT = "--connect-timeout=10";
    /** Fixed so that the string quoting of {@link MySqlIdentifiers} means what it says. */
    private static final String SESSION_SETUP =
            "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';\n";

    private final InstanceContext context;
    private final Path client;
    private final Path socket;
    private final Path clientConfig;
    private final String withoutTls;

    MySqlClient(InstanceContext context, Path client, Path socket, Path clientConfig, String withoutTls) {
        this.context = context;
        this.client = client;
        this.socket = socket;
        this.clientConfig = clientConfig;
        this.withoutTls = withoutTls;
    }

    /** Runs {@code sql} as the engine's superuser, authenticated by the operating-system user (unix_socket). */
    void runAsSocketRoot(String sql, List<Secret> secrets) {
        List<String> argv = List.of(client.toString(), "--no-defaults", "--socket=" + socket, "--user=root",
                CONNECT_TIMEOUT, "--local-infile=0", withoutTls, "--batch", "--skip-column-names");
        check(context.processes().exec(new Command(argv, Optional.of(SESSION_SETUP + sql), TIMEOUT, secrets)));
    }

    /** Runs {@code sql} as the control plane's administrative account and returns the result rows. */
    List<List<String>> runAsAdmin(String sql, List<Secret> secrets) {
        List<String> argv = List.of(client.toString(), "--defaults-file=" + clientConfig, CONNECT_TIMEOUT,
                "--local-infile=0", withoutTls, "--batch", "--skip-column-names");
        ExecResult result = context.processes().exec(new Command(argv, Optional.of(SESSION_SETUP + sql), TIMEOUT, secrets));
        check(result);
        List<List<String>> rows = new ArrayList<>();
        for (String line : result.stdout().split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            List<String> row = new ArrayList<>();
            for (String field : line.split("\t", -1)) {
                row.add(unescape(field));
            }
            rows.add(row);
        }
        return rows;
    }

    private static void check(ExecResult result) {
        if (!result.ok()) {
            // the client may echo the failing statement between dashes; the reason is its ERROR line
            String error = result.stderr().lines()
                    .filter(line -> line.startsWith("ERROR"))
                    .findFirst()
                    .orElse(result.stderr().strip().lines().reduce((first, last) -> last).orElse("exit code "
                            + result.exitCode()));
            throw new DatastoreException("The database engine rejected a statement: " + error);
        }
    }

    /** Undoes the escaping of {@code --batch} output (tab, newline, backslash, NUL). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
