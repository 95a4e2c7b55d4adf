package io.reddwarf.driver.example;

import io.reddwarf.spi.Capability;
import io.reddwarf.spi.Datastore;
import io.reddwarf.tck.DatastoreTck;
import io.reddwarf.tck.EngineClient;
import java.util.EnumSet;
import java.util.Set;

/**
 * Runs the driver TCK against the {@code example} driver. This one class is the whole proof that a
 * driver works: {@code ./mvnw verify} runs it. Run one section with {@code -Dgroups=tck-lifecycle}.
 */
final class ExampleDatastoreTckTest extends DatastoreTck {

    @Override
    protected Datastore datastore() {
        return new ExampleDatastore();
    }

    /** TODO(driver): the capabilities your driver claims; the TCK fails if they differ from capabilities(). */
    @Override
    protected Set<Capability> claimedCapabilities() {
        return EnumSet.of(Capability.DATABASES);
    }

    /** TODO(driver): what to install when the engine is missing; the abort message shows it. */
    @Override
    protected String engineRequirement() {
        return "mariadbd (Debian package mariadb-server)";
    }

    @Override
    protected EngineClient engineClient() {
        return new ExampleEngineClient();
    }

    /**
     * Without the engine the TCK aborts (the tests show as skipped). A build that must prove the
     * driver sets {@code -Dreddwarf.tck.require-engine=true} to turn that into a failure.
     */
    @Override
    protected boolean requireEngine() {
        return Boolean.getBoolean("reddwarf.tck.require-engine");
    }
}
