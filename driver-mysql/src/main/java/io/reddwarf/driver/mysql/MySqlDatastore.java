package io.reddwarf.driver.mysql;

/**
 * The {@code "mysql"} datastore: MySQL Community Server 8.0 ({@code mysqld}, {@code mysql}), found
 * in the directory named by the system property {@code reddwarf.mysql.bin-dir} if set, otherwise on
 * {@code PATH}, in {@code /usr/sbin} and {@code /usr/bin}. A {@code mysqld} that is MariaDB's (as
 * Debian installs it) or not 8.0 is not offered.
 */
public final class MySqlDatastore extends MySqlFamilyDatastore {

    /** The datastore over the binaries installed on this host. */
    public MySqlDatastore() {
        this(Binaries.fromEnvironment(new MySqlEngine().binDirProperty()));
    }

    MySqlDatastore(Binaries binaries) {
        super(new MySqlEngine(), binaries);
    }
}
