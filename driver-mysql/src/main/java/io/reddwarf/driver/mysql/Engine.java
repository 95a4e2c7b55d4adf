package io.reddwarf.driver.mysql;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What differs between the MySQL-family engines this module runs: binary names, how a data
 * directory is initialised, how versions are reported. Everything else is shared.
 */
interface Engine {
    /** The datastore type, e.g. {@code "mariadb"}. */
    String type();

    /** The server binary, e.g. {@code "mariadbd"}. */
    String serverBinary();

    /** The command-line client, e.g. {@code "mariadb"}. */
    String clientBinary();

    /** The version a server binary reports in {@code --version} output, if recognised. */
    Optional<DatastoreVersion> parseVersion(String versionOutput);

    /**
     * The command that creates a fresh, secured data directory in {@code dataDir}, running
     * {@code secureSql} during bootstrap; {@code settings} are server options the data directory
     * must be created with (log file size and the like).
     */
    List<String> initializeCommand(Binaries binaries, Path dataDir, Path secureSql, List<String> settings);

    /** SQL run while bootstrapping the template: no anonymous accounts, no test database, root only on the socket. */
    String secureSql();

    /** The system property naming the directory of this engine's binaries. */
    String binDirProperty();

    /** The option group of the server configuration file, e.g. {@code "mariadbd"}. */
    String serverSection();

    /** Server settings specific to this engine, one {@code name=value} line each. */
    List<String> serverSettings();

    /** The longest user name the engine accepts. */
    int maxUserNameLength();

    /** The condition (ending in {@code AND}) that keeps roles out of a query on {@code mysql.user u}. */
    String notARoleCondition();

    /**
     * SQL run last in {@code prepare}, as the superuser on the socket, that leaves the superuser
     * reachable by the control plane only; secrets it uses are added to {@code secrets}.
     */
    String lockRootSql(InstanceContext context, List<Secret> secrets);

    /**
     * The privileges a tenant's root does not get although it gets all others: those that read or
     * write files or change the server's file locations ({@code FILE}, {@code SUPER} and the like).
     */
    List<String> privilegesWithheldFromRoot();

    /**
     * The client option that keeps TLS off the instance's unix socket: the socket is reachable only
     * through the instance's own directory, and a handshake there costs each client run about 30 ms.
     */
    String clientSocketWithoutTls();
}
