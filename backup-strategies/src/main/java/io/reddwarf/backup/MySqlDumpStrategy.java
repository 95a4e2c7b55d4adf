package io.reddwarf.backup;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.NotSupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
public final class MySqlDumpStrategy implements BackupStrategy {
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
    public Kind kind() {
        return Kind.LOGICAL;
    }

    @Override
    public boolean supports(String datastoreType, DatastoreVersion version) {
        return "mysql".equals(datastoreType) && version.engineVersion().startsWith("8.0.");
    }

    @Override
    public BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
        if (parent.isPresent()) {
            throw new NotSupportedException("incremental backup", NAME);
        }
        String client = LogicalDump.tool(context, CLIENT_BINARY);
        try {
            List<String> databases = LogicalDump.query(context, client, DATABASES, "list the databases of");
            if (!databases.isEmpty()) {
                List<String> dump = new ArrayList<>(List.of(LogicalDump.tool(context, DUMP_BINARY),
                        "--defaults-file=" + LogicalDump.clientConfig(context),
                        "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob",
                        "--default-character-set=utf8mb4", "--set-gtid-purged=OFF", "--no-tablespaces",
                        "--databases"));
                dump.addAll(databases);
                LogicalDump.writeDump(context, dump, sink);
            }
            LogicalDump.writeAccounts(context, client, List.of("SET SESSION print_identified_with_as_hex = ON"), ACCOUNTS, sink);
            LogicalDump.writeEnd(sink);
        } catch (IOException e) {
            throw new DatastoreException("Could not back up instance " + context.instanceId() + ": " + e.getMessage(), e);
        }
        return LogicalDump.metadata(NAME);
    }

    @Override
    public void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
        LogicalDump.restore(context, LogicalDump.tool(context, CLIENT_BINARY), metadata, source);
    }
}
