package io.reddwarf.backup;

import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.NotSupportedException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logical backups of MariaDB with {@code mariadb-dump}: one consistent snapshot
 * ({@code --single-transaction}) of every database except the system schemas, with routines,
 * events and triggers. Accounts are not part of it: the instance restored into keeps its own. The
 * tools connect through the instance's administrative option file {@code conf/client.cnf}.
 */
public final class MariaDbDumpStrategy implements BackupStrategy {
    public static final String NAME = "mariadb-dump";
    private static final String DUMP_BINARY = "mariadb-dump";
    private static final String CLIENT_BINARY = "mariadb";

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
        return "mariadb".equals(datastoreType);
    }

    @Override
    public BackupMetadata backup(InstanceContext context, Optional<BackupMetadata> parent, OutputStream sink) {
        if (parent.isPresent()) {
            throw new NotSupportedException("incremental backup", NAME);
        }
        List<String> argv = List.of(DUMP_BINARY,
                "--defaults-file=" + context.confDir().resolve("client.cnf"),
                "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob",
                "--default-character-set=utf8mb4",
                "--all-databases", "--ignore-database=mysql", "--ignore-database=sys");
        ToolProcess.readFrom(argv, context.homeDir(), context.logDir().resolve("backup.err"), sink,
                "back up instance " + context.instanceId());
        return new BackupMetadata(NAME, Map.of("format", "sql"));
    }

    @Override
    public void restore(InstanceContext context, BackupMetadata metadata, InputStream source) {
        List<String> argv = List.of(CLIENT_BINARY,
                "--defaults-file=" + context.confDir().resolve("client.cnf"),
                "--binary-mode", "--default-character-set=utf8mb4");
        ToolProcess.writeTo(argv, context.homeDir(), context.logDir().resolve("restore.err"), source,
                "restore instance " + context.instanceId());
    }
}
