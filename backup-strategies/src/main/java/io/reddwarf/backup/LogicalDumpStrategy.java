package io.reddwarf.backup;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.NotSupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A MySQL-family logical strategy: the engine's dump tool, then the customer's accounts, then the
 * end line, replayed through the engine's client (see {@link LogicalDump}). Subclasses name the
 * tools, the dump's arguments and how accounts are listed.
 */
abstract class LogicalDumpStrategy implements BackupStrategy {

    /** The engine's client program, e.g. {@code mariadb}. */
    abstract String clientBinary();

    /**
     * The dump command (program first), or empty if there is nothing to dump.
     *
     * @param client the client program, for queries the command needs
     */
    abstract Optional<List<String>> dumpCommand(InstanceContext context, String client);

    /** Lists the customer's accounts as {@code 'user'@'host'}. */
    abstract String accountsQuery();

    /** Statements run before the accounts are shown. */
    List<String> accountsSession() {
        return List.of();
    }

    @Override
    public final Kind kind() {
        return Kind.LOGICAL;
    }

    @Override
    public final BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
        if (parent.isPresent()) {
            throw new NotSupportedException("incremental backup", name());
        }
        String client = LogicalDump.tool(context, clientBinary());
        try {
            Optional<List<String>> dump = dumpCommand(context, client);
            if (dump.isPresent()) {
                LogicalDump.writeDump(context, dump.get(), sink);
            }
            LogicalDump.writeAccounts(context, client, accountsSession(), accountsQuery(), sink);
            LogicalDump.writeEnd(sink);
        } catch (IOException e) {
            throw new DatastoreException("Could not back up instance " + context.instanceId() + ": " + e.getMessage(), e);
        }
        return LogicalDump.metadata(name());
    }

    @Override
    public final void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
        LogicalDump.restore(context, LogicalDump.tool(context, clientBinary()), metadata, source);
    }
}
