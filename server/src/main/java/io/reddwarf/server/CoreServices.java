package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.core.backup.BackupService;
import io.reddwarf.core.backup.BackupStrategyService;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.quota.QuotaService;

/** The core services the API's resources call; the HTTP layer needs nothing else from the core. */
public record CoreServices(InstanceService instances, DatastoreCatalog datastores, FlavorCatalog flavors,
        ConfigurationService configurations, AccountService accounts, QuotaService quotas,
        BackupService backups, BackupStrategyService backupStrategies, String certificateAuthority,
        AgentService agents, java.util.function.Supplier<String> agentListenerUrl) {
    public CoreServices {
        requireNonNull(certificateAuthority, "certificateAuthority is null");
        requireNonNull(agents, "agents is null");
        requireNonNull(agentListenerUrl, "agentListenerUrl is null");
        requireNonNull(quotas, "quotas is null");
        requireNonNull(accounts, "accounts is null");
        requireNonNull(instances, "instances is null");
        requireNonNull(datastores, "datastores is null");
        requireNonNull(flavors, "flavors is null");
        requireNonNull(configurations, "configurations is null");
        requireNonNull(backups, "backups is null");
        requireNonNull(backupStrategies, "backupStrategies is null");
    }

    public static CoreServices of(Reddwarf core) {
        return of(core, () -> "");
    }

    /**
     * With the URL agents reach the agent listener at (empty when none listens); asked when an
     * agent is enrolled, so the API may answer before the listener is up.
     */
    public static CoreServices of(Reddwarf core, java.util.function.Supplier<String> agentListenerUrl) {
        return new CoreServices(core.instances(), core.datastores(), core.flavors(), core.configurations(),
                core.accounts(), core.quotas(), core.backups(), core.backupStrategies(), core.certificateAuthority(),
                core.agents(), agentListenerUrl);
    }
}
