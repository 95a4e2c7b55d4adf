package io.reddwarf.driver.mysql;

import io.reddwarf.spi.Capability;
import io.reddwarf.tck.DatastoreTck;
import io.reddwarf.tck.EngineClient;
import java.util.EnumSet;
import java.util.Set;

/** The TCK hooks for a driver over the host's MariaDB (Debian package mariadb-server), which must be installed. */
abstract class MariaDbTckFixture extends DatastoreTck {

    @Override
    protected Set<Capability> claimedCapabilities() {
        return EnumSet.of(Capability.DATABASES, Capability.USERS, Capability.ROOT, Capability.CONFIGURATION, Capability.BACKUP);
    }

    @Override
    protected java.util.Optional<ConfigSample> configurationSample() {
        return java.util.Optional.of(new ConfigSample("connect_timeout", "20"));
    }

    @Override
    protected Set<String> backupStrategies() {
        return Set.of("mariadb-dump", "mariabackup");
    }

    @Override
    protected String engineRequirement() {
        return "mariadbd (Debian package mariadb-server)";
    }

    @Override
    protected EngineClient engineClient() {
        return new MySqlFamilyClient(Binaries.fromEnvironment().require("mariadb"));
    }

    @Override
    protected boolean requireEngine() {
        return true;
    }
}
