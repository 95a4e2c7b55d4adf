package io.reddwarf.driver.mysql;

import io.reddwarf.spi.Datastore;

/** The driver TCK for {@code mariadb} over the host's MariaDB. */
final class MariaDbTckTest extends MariaDbTckFixture {

    @Override
    protected Datastore datastore() {
        return new MariaDbDatastore();
    }
}
