package io.reddwarf.driver.percona;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.tck.DatastoreTck;
import io.reddwarf.tck.EngineClient;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The driver TCK for {@code percona}, run over MySQL Community Server 8.0 because Percona Server is
 * not available here: the driver is told to accept that product. This proves the percona driver's
 * wiring (type, provider entry, capabilities, every lifecycle and admin operation through
 * driver-mysql) on a real MySQL 8.0, not Percona Server itself; see README.md.
 */
final class PerconaOnMySqlBinariesTckTest extends DatastoreTck {

    @Override
    protected Datastore datastore() {
        return new PerconaDatastore("MySQL Community Server");
    }

    @Override
    protected Set<Capability> claimedCapabilities() {
        return EnumSet.of(Capability.DATABASES, Capability.USERS, Capability.ROOT);
    }

    @Override
    protected String engineRequirement() {
        return "mysqld 8.0 (MySQL Community Server in the directory named by -Dreddwarf.percona.bin-dir;"
                + " driver-mysql's build unpacks one)";
    }

    @Override
    protected EngineClient engineClient() {
        return new MySqlCommandLine(Path.of(System.getProperty(PerconaDatastore.BIN_DIR_PROPERTY), "mysql"));
    }

    @Override
    protected boolean requireEngine() {
        return true;
    }
}
