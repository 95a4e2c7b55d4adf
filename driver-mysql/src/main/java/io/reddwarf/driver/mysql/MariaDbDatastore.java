package io.reddwarf.driver.mysql;

import io.reddwarf.spi.Capability;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code "mariadb"} datastore: MariaDB run from the host's installed binaries
 * ({@code mariadbd}, {@code mariadb}, {@code mariadb-install-db}), found in the directory named by
 * the system property {@code reddwarf.mariadb.bin-dir} if set, otherwise on {@code PATH}, in
 * {@code /usr/sbin} and {@code /usr/bin}.
 */
public final class MariaDbDatastore extends MySqlFamilyDatastore {

    /** The datastore over the binaries installed on this host. */
    public MariaDbDatastore() {
        this(new MariaDbEngine(), Binaries.fromEnvironment(new MariaDbEngine().binDirProperty()));
    }

    MariaDbDatastore(Engine engine, Binaries binaries) {
        super(engine, binaries);
    }

    /**
     * The family's capabilities plus configuration groups ({@link MariaDbConfigRenderer}) and
     * backups (by the strategies of the backup-strategies plugin, {@code mariadb-dump} and
     * {@code mariabackup}).
     */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.copyOf(super.capabilities());
        all.add(Capability.CONFIGURATION);
        all.add(Capability.BACKUP);
        return Set.copyOf(all);
    }
}
