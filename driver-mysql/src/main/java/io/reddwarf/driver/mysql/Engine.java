package io.reddwarf.driver.mysql;

import io.reddwarf.spi.DatastoreVersion;
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
}
