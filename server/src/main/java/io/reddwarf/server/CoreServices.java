package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.instance.InstanceService;
import java.lang.reflect.Proxy;

/** The core services the API's resources call; the HTTP layer needs nothing else from the core. */
public record CoreServices(InstanceService instances, DatastoreCatalog datastores, FlavorCatalog flavors,
        ConfigurationService configurations) {
    public CoreServices {
        requireNonNull(instances, "instances is null");
        requireNonNull(datastores, "datastores is null");
        requireNonNull(flavors, "flavors is null");
        requireNonNull(configurations, "configurations is null");
    }

    /** Services without configuration groups: their routes answer 501. */
    public CoreServices(InstanceService instances, DatastoreCatalog datastores, FlavorCatalog flavors) {
        this(instances, datastores, flavors, unavailableConfigurations());
    }

    public static CoreServices of(Reddwarf core) {
        return new CoreServices(core.instances(), core.datastores(), core.flavors(), core.configurations());
    }

    private static ConfigurationService unavailableConfigurations() {
        return (ConfigurationService) Proxy.newProxyInstance(ConfigurationService.class.getClassLoader(),
                new Class<?>[] {ConfigurationService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ConfigurationService(unavailable)";
                    default -> throw new ReddwarfException(ErrorCode.NOT_IMPLEMENTED,
                            "Configuration groups are not available.");
                });
    }
}
