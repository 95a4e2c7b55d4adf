package io.reddwarf.driver.mysql;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /** The family's capabilities plus backups (by the backup-strategies plugin's {@code mysqldump}). */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.copyOf(super.capabilities());
        all.add(Capability.BACKUP);
        return Set.copyOf(all);
    }

    /**
     * A datastore for another distribution of MySQL 8.0 (such as Percona Server) that runs exactly
     * like MySQL, for drivers built on this module. Its binaries are found like this datastore's,
     * in the directory named by {@code binDirProperty}; only a {@code mysqld} whose
     * {@code --version} mentions {@code product} is offered.
     *
     * @param type           the datastore type, e.g. {@code "percona"}
     * @param binDirProperty the system property naming the binaries' directory
     * @param product        what {@code mysqld --version} says, e.g. {@code "Percona Server"}
     */
    public static Datastore distribution(String type, String binDirProperty, String product) {
        return new Distribution(new MySqlEngine(type, binDirProperty, Optional.of(product)), Binaries.fromEnvironment(binDirProperty));
    }

    /** The same over the binaries in {@code binDir} only. */
    public static Datastore distribution(String type, Path binDir, String product) {
        return new Distribution(new MySqlEngine(type, "reddwarf." + type + ".bin-dir", Optional.of(product)),
                Binaries.in(List.of(binDir)));
    }

    private static final class Distribution extends MySqlFamilyDatastore {
        Distribution(Engine engine, Binaries binaries) {
            super(engine, binaries);
        }
    }
}
