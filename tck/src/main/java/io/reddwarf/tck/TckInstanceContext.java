package io.reddwarf.tck;

import static java.util.Objects.requireNonNull;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.host.LocalProcessSupervisor;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.FileTrees;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor;
import io.reddwarf.spi.SecretStore;
import io.reddwarf.spi.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@link InstanceContext} of a conformance run: the very one a driver gets in production on
 * an agent's host ({@link LocalInstanceContext}), so the TCK proves the driver under the same
 * supervisor, sandbox and secret store it will run under. The instance lives in
 * {@code <home>/{data,conf,log,run}} (mode 0700); when the TCK runs as root, its daemons run
 * sandboxed under an unprivileged uid and gid of their own (2000000 plus the port), as they do
 * under the agent.
 */
public final class TckInstanceContext implements InstanceContext {
    private final LocalInstanceContext local;

    private TckInstanceContext(LocalInstanceContext local) {
        this.local = requireNonNull(local, "local is null");
    }

    /**
     * Creates the instance's directories and returns its context.
     *
     * @param homeDir     the instance's root directory
     * @param templateDir the version-wide cache directory
     * @param bindAddress where the engine listens
     * @param port        the engine's TCP port
     * @throws io.reddwarf.spi.DatastoreException if a directory cannot be created
     */
    public static TckInstanceContext create(String instanceId, DatastoreVersion version, Flavor flavor, Path homeDir,
            Path templateDir, String bindAddress, int port) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new TckInstanceContext(LocalInstanceContext.create(requireNonNull(instanceId, "instanceId is null"),
                requireNonNull(version, "version is null"), requireNonNull(flavor, "flavor is null"),
                homeDir.toAbsolutePath().normalize(), templateDir.toAbsolutePath().normalize(),
                requireNonNull(bindAddress, "bindAddress is null"), port));
    }

    @Override
    public String instanceId() {
        return local.instanceId();
    }

    @Override
    public DatastoreVersion version() {
        return local.version();
    }

    @Override
    public Flavor flavor() {
        return local.flavor();
    }

    @Override
    public Path homeDir() {
        return local.homeDir();
    }

    @Override
    public Path dataDir() {
        return local.dataDir();
    }

    @Override
    public Path confDir() {
        return local.confDir();
    }

    @Override
    public Path logDir() {
        return local.logDir();
    }

    @Override
    public Path runDir() {
        return local.runDir();
    }

    @Override
    public Path templateDir() {
        return local.templateDir();
    }

    @Override
    public String bindAddress() {
        return local.bindAddress();
    }

    @Override
    public int port() {
        return local.port();
    }

    @Override
    public ProcessSupervisor processes() {
        return local.processes();
    }

    @Override
    public SecretStore secrets() {
        return local.secrets();
    }

    @Override
    public Optional<TlsFiles> tls() {
        return local.tls();
    }

    /**
     * Live processes whose command line mentions {@code dir}: what a destroyed instance must not
     * leave behind. Excludes this JVM.
     */
    public static List<Long> processesReferencing(Path dir) {
        return LocalProcessSupervisor.findProcessesReferencing(dir);
    }

    /** Kills (SIGKILL) every process referencing {@code dir}; for cleaning up after a failed test. */
    public static void killProcessesReferencing(Path dir) {
        LocalProcessSupervisor.killProcessesReferencing(dir, process -> {});
    }

    /** Removes {@code dir} and everything below it, if present. */
    public static void deleteTree(Path dir) {
        FileTrees.delete(dir);
    }
}
