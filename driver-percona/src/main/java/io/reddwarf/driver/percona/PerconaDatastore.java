package io.reddwarf.driver.percona;

import io.reddwarf.driver.mysql.MySqlDatastore;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.PrepareRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The {@code "percona"} datastore: Percona Server for MySQL 8.0, a drop-in MySQL 8.0, run exactly
 * like the {@code "mysql"} datastore. Its binaries ({@code mysqld}, {@code mysql}) are found in the
 * directory named by the system property {@code reddwarf.percona.bin-dir} if set, otherwise on
 * {@code PATH}, in {@code /usr/sbin} and {@code /usr/bin}; only a {@code mysqld} whose
 * {@code --version} says "Percona Server" is offered.
 */
public final class PerconaDatastore implements Datastore {
    static final String TYPE = "percona";
    static final String BIN_DIR_PROPERTY = "reddwarf.percona.bin-dir";
    static final String PRODUCT = "Percona Server";

    private final Datastore mysql;

    /** The datastore over the Percona Server installed on this host. */
    public PerconaDatastore() {
        this(PRODUCT);
    }

    /** The datastore over a {@code mysqld} whose {@code --version} contains {@code product}. */
    PerconaDatastore(String product) {
        this.mysql = MySqlDatastore.distribution(TYPE, BIN_DIR_PROPERTY, product);
    }

    /** The datastore over Percona Server in {@code binDir}. */
    PerconaDatastore(Path binDir) {
        this.mysql = MySqlDatastore.distribution(TYPE, binDir, PRODUCT);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<DatastoreVersion> versions() {
        return mysql.versions();
    }

    @Override
    public Set<Capability> capabilities() {
        return mysql.capabilities();
    }

    @Override
    public void validate(PrepareRequest request) {
        mysql.validate(request);
    }

    @Override
    public DatastoreInstance open(InstanceContext context) {
        return mysql.open(context);
    }
}
