package io.reddwarf.core;

import static java.util.Objects.requireNonNull;

import io.reddwarf.backup.pipeline.BackupPipeline;
import io.reddwarf.backup.pipeline.FileSystemObjectStore;
import io.reddwarf.backup.pipeline.MasterKey;
import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.backup.BackupService;
import io.reddwarf.core.backup.BackupStrategies;
import io.reddwarf.core.backup.BackupStrategyService;
import io.reddwarf.core.backup.DefaultBackupStrategyService;
import io.reddwarf.core.backup.BackupWorkflows;
import io.reddwarf.core.backup.DefaultBackupService;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.core.account.DefaultAccountService;
import io.reddwarf.core.account.GuardedAccountService;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.catalog.RegistryDatastoreCatalog;
import io.reddwarf.core.configuration.ConfigRenderers;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.configuration.DefaultConfigurationService;
import io.reddwarf.core.persistence.AgentRepository;
import io.reddwarf.core.persistence.ConfigurationRepository;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.DefaultInstanceService;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.persistence.Database;
import io.reddwarf.core.persistence.BackupRepository;
import io.reddwarf.core.persistence.BackupStrategyRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.QuotaRepository;
import io.reddwarf.core.persistence.RootHistoryRepository;
import io.reddwarf.core.persistence.SecretBox;
import io.reddwarf.core.agent.AgentObjectStore;
import io.reddwarf.core.provider.AgentHostProvider;
import io.reddwarf.spi.ObjectStore;
import io.reddwarf.core.provider.InstanceProvider;
import io.reddwarf.core.provider.LocalAgent;
import io.reddwarf.core.provider.LocalProvider;
import io.reddwarf.core.tls.CertificateAuthority;
import io.reddwarf.core.provider.PortRange;
import io.reddwarf.core.quota.DefaultQuotaService;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.core.workflow.HealthMonitor;
import io.reddwarf.core.workflow.InstanceContexts;
import io.reddwarf.core.workflow.InstanceLocks;
import io.reddwarf.core.workflow.InstanceWorkflows;
import io.reddwarf.core.workflow.WorkflowScheduler;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's core, started once per process: state store and migrations, driver registry,
 * reconciliation of instances with what is on disk, durable workflow workers and the health loop.
 * Closing it stops the control plane's own threads; instances keep running.
 */
public final class Reddwarf implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reddwarf.class);

    private final CoreConfig config;
    private final Database database;
    private final DriverRegistry drivers;
    private final DatastoreCatalog datastores;
    private final FlavorCatalog flavors;
    private final InstanceWorkflows workflows;
    private final HealthMonitor health;
    private final InstanceService instances;
    private final DefaultBackupService backups;
    private final BackupStrategyService backupStrategies;
    private final ConfigurationService configurations;
    private final AccountService accounts;
    private final QuotaService quotas;
    private final String certificateAuthority;
    private final CertificateAuthority authority;
    private final AgentService agents;
    private final Optional<LocalAgent> localAgent;
    private final WorkflowScheduler scheduler;

    private Reddwarf(CoreConfig config, Database database, DriverRegistry drivers) {
        this.config = config;
        this.database = database;
        this.drivers = drivers;
        this.datastores = new RegistryDatastoreCatalog(drivers);
        this.flavors = new FlavorCatalog(config.flavors());
        LocalProvider local = new LocalProvider(config.home(), config.instanceAddress(), config.ports());
        this.certificateAuthority = local.certificateAuthorityPem();
        this.authority = local.authority();
        SecretBox secrets = SecretBox.open(config.home().resolve("state").resolve("master.key"));
        this.agents = new AgentService(new AgentRepository(database.dsl()), authority, secrets, java.time.Clock.systemUTC());
        // every instance on one enrolled agent's host, or on this host
        Optional<AgentHostProvider> agentHost = config.agentHost().map(name -> new AgentHostProvider(agents, name,
                config.instanceAddress(), config.ports(), authority));
        InstanceProvider provider = agentHost.<InstanceProvider>map(p -> p).orElse(local);
        boolean agentWrites = config.agentHost().isPresent() || config.localAgent();
        if (config.agentHost().isEmpty() && config.localAgent()) {
            this.localAgent = Optional.of(LocalAgent.enrol(config.home().resolve("agent"), local.instancesDir(),
                    local.templatesDir(), config.backupsDir(), agents));
            local.runDriversIn(agents, localAgent.get().agentId());
        } else {
            this.localAgent = Optional.empty();
        }
        InstanceRepository repository = new InstanceRepository(database.dsl());
        BackupRepository backupRepository = new BackupRepository(database.dsl());
        InstanceContexts contexts = new InstanceContexts(drivers, flavors, provider);
        BackupStrategies strategies = BackupStrategies.load(Reddwarf.class.getClassLoader());
        // where the agent takes the backups, it alone writes to the store (and cleans up after its crashes)
        // an agent on another host keeps the backups in its own store; the control plane asks it for sizes and deletions
        ObjectStore store = agentHost.<ObjectStore>map(p -> new AgentObjectStore(agents, p::agentId))
                .orElseGet(() -> new FileSystemObjectStore(config.backupsDir(), !agentWrites));
        BackupPipeline pipeline = new BackupPipeline(store,
                MasterKey.loadOrCreate(config.home().resolve("state").resolve("backup-master.key")));
        InstanceLocks locks = new InstanceLocks();
        // one durable scheduler; each workflow family registers its own tasks with it
        this.scheduler = new WorkflowScheduler();
        BackupWorkflows backupWorkflows = new BackupWorkflows(backupRepository, repository, contexts, strategies,
                pipeline, locks, scheduler);
        DefaultConfigurationService configurations = new DefaultConfigurationService(
                new ConfigurationRepository(database.dsl()), repository, datastores, drivers, flavors,
                ConfigRenderers.load(Reddwarf.class.getClassLoader()), contexts, locks, scheduler);
        this.configurations = configurations;
        this.workflows = new InstanceWorkflows(repository, drivers, flavors, provider, secrets, configurations.workflow(),
                contexts, java.util.Optional.of(backupWorkflows), locks, scheduler);
        this.health = new HealthMonitor(repository, workflows, config.buildTimeout(), config.recovery());
        this.quotas = new DefaultQuotaService(new QuotaRepository(database.dsl()), repository, backupRepository,
                flavors);
        DefaultBackupStrategyService backupStrategies = new DefaultBackupStrategyService(
                new BackupStrategyRepository(database.dsl()), repository, contexts, strategies, config);
        this.backupStrategies = backupStrategies;
        this.backups = new DefaultBackupService(backupRepository, repository, contexts, strategies, backupWorkflows,
                quotas, backupStrategies);
        this.instances = new DefaultInstanceService(config, repository, datastores, flavors, drivers, provider,
                secrets, workflows, quotas, Optional.of(configurations), Optional.of(backups));
        this.accounts = new GuardedAccountService(new DefaultAccountService(repository,
                new RootHistoryRepository(database.dsl()), drivers, workflows), repository, workflows, locks);
        reconcile(repository, provider);
    }

    /** Starts the core with the drivers on the class path; returns once reconciliation is done and workers run. */
    public static Reddwarf start(CoreConfig config) {
        return start(config, DriverRegistry.load(Reddwarf.class.getClassLoader()));
    }

    /** Starts the core with the given drivers. */
    public static Reddwarf start(CoreConfig config, DriverRegistry drivers) {
        requireNonNull(config, "config is null");
        PortRange.readKernelRange(PortRange.LINUX_EPHEMERAL).flatMap(config::ephemeralPortsWarning)
                .ifPresent(LOG::warn);
        HomePermissions.apply(config);
        Database database = Database.open(config);
        try {
            Reddwarf core = new Reddwarf(config, database, drivers);
            core.scheduler.start(database.dataSource(), config.workers());
            core.health.start(config.healthInterval());
            LOG.info("Reddwarf core started in {} with datastores {}", config.home(),
                    core.datastores.list().stream().map(DatastoreCatalog.DatastoreInfo::name).toList());
            return core;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Brings disk and processes in line with the state store before any work runs: directories and
     * processes of instances without a live row are removed; ready instances whose directory
     * vanished are set to ERROR. Unfinished workflows are picked up by the scheduler and the health
     * loop.
     */
    private static void reconcile(InstanceRepository repository, InstanceProvider provider) {
        List<InstancesRecord> live = repository.listAllLive();
        Set<String> liveIds = live.stream().map(InstancesRecord::getId).collect(Collectors.toSet());
        InstanceProvider.Reconciliation released = provider.reconcile(liveIds);
        for (InstancesRecord row : live) {
            if (Task.valueOf(row.getTask()) == Task.NONE && "READY".equals(row.getStep()) && !provider.exists(row.getId())) {
                repository.markFailed(row.getId(), HealthMonitor.FILES_MISSING);
            }
        }
        LOG.info("Reconciled {} live instances ({} released without a live record, {} orphaned processes killed)",
                live.size(), released.releasedInstances().size(), released.killedProcesses());
    }

    /**
     * Starts the host's agent, when drivers run in one ({@code provider.local.drivers=agent}),
     * reporting to the agent listener at {@code listener}. Until it runs, its commands wait.
     */
    public void startLocalAgent(java.net.URI listener) {
        localAgent.ifPresent(agent -> agent.start(listener));
    }

    /** The host's agent, when drivers run in one. */
    public Optional<LocalAgent> localAgent() {
        return localAgent;
    }

    /** The control plane's side of its guest agents. */
    public AgentService agents() {
        return agents;
    }

    /** The deployment's certificate authority (instances, agents, the agent listener). */
    public CertificateAuthority authority() {
        return authority;
    }

    public CoreConfig config() {
        return config;
    }

    public InstanceService instances() {
        return instances;
    }

    public BackupService backups() {
        return backups;
    }

    public BackupStrategyService backupStrategies() {
        return backupStrategies;
    }

    public ConfigurationService configurations() {
        return configurations;
    }

    public QuotaService quotas() {
        return quotas;
    }

    /** The certificate (PEM) of the authority that signs every instance's TLS certificate. */
    public String certificateAuthority() {
        return certificateAuthority;
    }

    public AccountService accounts() {
        return accounts;
    }

    public DatastoreCatalog datastores() {
        return datastores;
    }

    public FlavorCatalog flavors() {
        return flavors;
    }

    /** Load problems of drivers (duplicate types), by type, for diagnostics. */
    public java.util.Map<String, String> driverProblems() {
        return drivers.problems();
    }

    /**
     * Stops the health loop and lets the workflows in flight end (for up to the scheduler's grace):
     * call it while agents can still report, before their listener closes, so a delete or build in
     * flight finishes instead of being cut off. {@link #close()} calls it too; twice is harmless.
     */
    public void stopWork() {
        health.close();
        workflows.close();
    }

    @Override
    public void close() {
        stopWork();
        localAgent.ifPresent(LocalAgent::close);
        database.close();
    }
}
