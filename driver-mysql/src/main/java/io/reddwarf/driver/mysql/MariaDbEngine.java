package io.reddwarf.driver.mysql;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MariaDB: {@code mariadbd}, {@code mariadb}, {@code mariadb-install-db}. */
final class MariaDbEngine implements Engine {
    private static final Pattern VERSION = Pattern.compile("\\bVer\\s+(\\d+)\\.(\\d+)\\.(\\d+)");

    @Override
    public String type() {
        return "mariadb";
    }

    @Override
    public String serverBinary() {
        return "mariadbd";
    }

    @Override
    public String clientBinary() {
        return "mariadb";
    }

    @Override
    public Optional<DatastoreVersion> parseVersion(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            return Optional.empty();
        }
        String major = matcher.group(1) + "." + matcher.group(2);
        return Optional.of(new DatastoreVersion(major, major + "." + matcher.group(3)));
    }

    @Override
    public List<String> initializeCommand(Binaries binaries, Path dataDir, Path secureSql, List<String> settings) {
        List<String> argv = new ArrayList<>(List.of(
                binaries.require("mariadb-install-db").toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
                "--skip-name-resolve",
                "--extra-file=" + secureSql));
        if (Binaries.runningAsRoot()) {
            argv.add("--user=root");
        }
        argv.addAll(settings);
        return argv;
    }

    @Override
    public String secureSql() {
        return """
                DELETE FROM mysql.global_priv WHERE User = '';
                DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';
                DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';
                DELETE FROM mysql.db WHERE Db = 'test' OR Db LIKE 'test\\\\_%';
                DROP DATABASE IF EXISTS test;
                """;
    }

    @Override
    public String binDirProperty() {
        return "reddwarf.mariadb.bin-dir";
    }

    @Override
    public String serverSection() {
        return "mariadbd";
    }

    @Override
    public List<String> serverSettings() {
        // Level 2 logs every probe as an aborted connection; the error log would fill with them.
        return List.of("log_warnings=1", "innodb_temp_data_file_path=ibtmp1:1M:autoextend", "skip-symbolic-links");
    }

    @Override
    public int maxUserNameLength() {
        return 80;
    }

    @Override
    public String notARoleCondition() {
        return "u.is_role = 'N' AND ";
    }

    /** Nothing: the template's root already authenticates through unix_socket only. */
    /** SUPER sets the log files' paths ({@code general_log_file}) and FILE reads and writes files. */
    @Override
    public List<String> privilegesWithheldFromRoot() {
        return List.of("FILE", "SUPER");
    }

    @Override
    public String clientSocketWithoutTls() {
        return "--skip-ssl";
    }

    @Override
    public String lockRootSql(InstanceContext context, List<Secret> secrets) {
        return "";
    }
}
