package io.reddwarf.backup;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import java.util.List;
import java.util.Optional;

/**
 * Logical backups of MariaDB with {@code mariadb-dump}: one consistent snapshot
 * ({@code --single-transaction}) of every database except the system schemas, with routines,
 * events and triggers, then the customer's accounts; restored through {@code mariadb}. The accounts are created
 * where missing, so an instance restored into keeps its own {@code root} and administrative
 * account. See {@link LogicalDump} for the format and where the tools are found.
 */
public final class MariaDbDumpStrategy extends LogicalDumpStrategy {
    public static final String NAME = "mariadb-dump";
    private static final String DUMP_BINARY = "mariadb-dump";
    private static final String CLIENT_BINARY = "mariadb";
    private static final String ACCOUNTS = "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user"
            + " WHERE is_role = 'N' AND " + LogicalDump.CUSTOMER_ACCOUNTS + " ORDER BY User, Host";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String datastoreType, DatastoreVersion version) {
        return "mariadb".equals(datastoreType);
    }

    @Override
    String clientBinary() {
        return CLIENT_BINARY;
    }

    @Override
    Optional<List<String>> dumpCommand(InstanceContext context, String client) {
        return Optional.of(List.of(LogicalDump.tool(context, DUMP_BINARY),
                "--defaults-file=" + LogicalDump.clientConfig(context),
                "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob",
                "--default-character-set=utf8mb4",
                "--all-databases", "--ignore-database=mysql", "--ignore-database=sys"));
    }

    @Override
    String accountsQuery() {
        return ACCOUNTS;
    }
}
