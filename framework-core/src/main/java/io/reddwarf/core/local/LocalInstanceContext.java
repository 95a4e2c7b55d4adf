package io.reddwarf.core.local;

import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import java.nio.file.Path;

/** Placeholder until the local process supervisor lands; every call fails. */
public final class LocalInstanceContext {
    private LocalInstanceContext() {
    }

    public static InstanceContext create(String instanceId, DatastoreVersion version, Flavor flavor, Path homeDir,
            Path templateDir, String bindAddress, int port) {
        throw new UnsupportedOperationException("local instance context not available yet");
    }
}
