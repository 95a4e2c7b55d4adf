package io.reddwarf.backup;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Logical backups of MySQL 8.0 with {@code mysqldump}: one consistent snapshot
 * ({@code --single-transaction}) of every database except the system schemas, with routines,
 * events and triggers, then the customer's accounts (password hashes printed as hexadecimal);
 * restored through {@code mysql}. The accounts are created where missing, so an instance restored into keeps its
 * own {@code root} and administrative account. See {@link LogicalDump} for the format and where
 * the tools are found: the mysql driver names the directory of its MySQL binaries in the option
 * file, as they are usually not on {@code PATH}.
 */
public final class MySqlDumpStrategy extends LogicalDumpStrategy {
    public static final String NAME = "mysqldump";
    private static final String DUMP_BINARY = "mysqldump";
    private static final String CLIENT_BINARY = "mysql";
    private static final String ACCOUNTS = "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user"
            + " WHERE " + LogicalDump.CUSTOMER_ACCOUNTS + " ORDER BY User, Host";
    private static final String DATABASES = "SELECT schema_name FROM information_schema.schemata WHERE schema_name"
            + " NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema') ORDER BY schema_name";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String datastoreType, DatastoreVersion version) {
        return "mysql".equals(datastoreType) && version.engineVersion().startsWith("8.0.");
    }

    @Override
    String clientBinary() {
        return CLIENT_BINARY;
    }

    /** mysqldump has no {@code --ignore-database}: the databases are named, and there may be none. */
    @Override
    Optional<List<String>> dumpCommand(InstanceContext context, String client) {
        List<String> databases = LogicalDump.query(context, client, DATABASES, "list the databases of");
        if (databases.isEmpty()) {
            return Optional.empty();
        }
        List<String> dump = new ArrayList<>(List.of(LogicalDump.tool(context, DUMP_BINARY),
                "--defaults-file=" + LogicalDump.clientConfig(context),
                "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob",
                "--default-character-set=utf8mb4", "--set-gtid-purged=OFF", "--no-tablespaces",
                "--databases"));
        dump.addAll(databases);
        return Optional.of(dump);
    }

    @Override
    String accountsQuery() {
        return ACCOUNTS;
    }

    /** Password hashes of caching_sha2_password contain bytes a script cannot carry as text. */
    @Override
    List<String> accountsSession() {
        return List.of("SET SESSION print_identified_with_as_hex = ON");
    }
}
