package io.reddwarf.driver.mysql;

import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteString;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL 8.0: {@code mysqld --initialize-insecure} creates the data directory with a password-less
 * {@code root@localhost} and no anonymous account or test database. {@code auth_socket} is not
 * loaded by default, so {@code prepare} ends by giving root a random password kept in the secret
 * {@value #ROOT_SECRET}; the control plane itself uses its own administrative account.
 */
final class MySqlEngine implements Engine {
    static final String ROOT_SECRET = "root-password";
    private final String type;
    private final String binDirProperty;
    private final Optional<String> product;

    /** Oracle's MySQL: a {@code mysqld} that is neither MariaDB's nor Percona's. */
    MySqlEngine() {
        this("mysql", "reddwarf.mysql.bin-dir", Optional.empty());
    }

    /**
     * Another MySQL 8.0 distribution run the same way.
     *
     * @param product what {@code mysqld --version} must mention, e.g. {@code "Percona Server"}
     */
    MySqlEngine(String type, String binDirProperty, Optional<String> product) {
        this.type = type;
        this.binDirProperty = binDirProperty;
        this.product = product;
    }
    private static final Pattern VERSION = Pattern.compile("\\bVer\\s+(8)\\.(0)\\.(\\d+)\\b(?!-MariaDB)");

    @Override
    public String type() {
        return type;
    }

    @Override
    public String serverBinary() {
        return "mysqld";
    }

    @Override
    public String clientBinary() {
        return "mysql";
    }

    /**
     * Recognises {@code mysqld  Ver 8.0.33 for Linux on x86_64 (MySQL Community Server - GPL)}; not
     * MariaDB's or Percona's mysqld, unless this engine is for the product the output names.
     */
    @Override
    public Optional<DatastoreVersion> parseVersion(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        boolean product = this.product
                .map(versionOutput::contains)
                .orElse(!versionOutput.contains("MariaDB") && !versionOutput.contains("Percona Server"));
        if (!product || !matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new DatastoreVersion("8.0", "8.0." + matcher.group(3)));
    }

    @Override
    public List<String> initializeCommand(Binaries binaries, Path dataDir, Path secureSql, List<String> settings) {
        List<String> argv = new ArrayList<>(List.of(
                binaries.require(serverBinary()).toString(),
                "--no-defaults",
                "--initialize-insecure",
                "--datadir=" + dataDir,
                "--init-file=" + secureSql,
                "--skip-name-resolve",
                "--mysqlx=OFF",
                "--disable-log-bin"));
        if (Binaries.runningAsRoot()) {
            argv.add("--user=root");
        }
        argv.addAll(settings);
        return argv;
    }

    /** MySQL creates neither anonymous accounts nor a test database; this only makes sure of it. */
    @Override
    public String secureSql() {
        return """
                DELETE FROM mysql.user WHERE User = '';
                DROP DATABASE IF EXISTS test;
                """;
    }

    @Override
    public String binDirProperty() {
        return binDirProperty;
    }

    @Override
    public String serverSection() {
        return "mysqld";
    }

    @Override
    public List<String> serverSettings() {
        // No X protocol listener (it would take port 33060 for every instance), no binary log
        // until replication needs one, no log line for every probe's aborted connection, and
        // the smallest temporary tablespace MySQL accepts.
        // mysqld-auto.cnf (SET PERSIST) lives in the data directory: ignored, so that SQL cannot
        // change read-only settings such as secure_file_priv for the next start.
        return List.of("mysqlx=OFF", "disable-log-bin", "log_error_verbosity=2",
                "innodb_temp_data_file_path=ibtmp1:12M:autoextend", "persisted_globals_load=OFF");
    }

    @Override
    public int maxUserNameLength() {
        return 32;
    }

    /** MySQL keeps roles as locked accounts in {@code mysql.user}; they are listed like users. */
    @Override
    public String notARoleCondition() {
        return "";
    }

    /**
     * FILE and SUPER as on MariaDB; SYSTEM_VARIABLES_ADMIN and PERSIST_RO_VARIABLES_ADMIN set log
     * paths and persist settings; without SYSTEM_USER, root cannot change the control plane's account.
     */
    @Override
    public List<String> privilegesWithheldFromRoot() {
        return List.of("FILE", "SUPER", "SYSTEM_VARIABLES_ADMIN", "PERSIST_RO_VARIABLES_ADMIN", "SYSTEM_USER");
    }

    @Override
    public String clientSocketWithoutTls() {
        return "--ssl-mode=DISABLED";
    }

    @Override
    public String lockRootSql(InstanceContext context, List<Secret> secrets) {
        Secret password = context.secrets().getOrGenerate(ROOT_SECRET);
        secrets.add(password);
        return "ALTER USER 'root'@'localhost' IDENTIFIED BY " + quoteString(password.value()) + ";\n";
    }
}
