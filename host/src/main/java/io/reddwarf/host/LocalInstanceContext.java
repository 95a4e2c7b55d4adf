package io.reddwarf.host;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.ProcessSupervisor;
import io.reddwarf.spi.SecretStore;
import io.reddwarf.spi.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The {@link InstanceContext} of an instance run by the local provider: everything lives below
 * {@code homeDir} in {@code data}, {@code conf}, {@code log} and {@code run}. Create it with
 * {@link #create}, which makes the directories and wires the supervisor and secret store once.
 */
public record LocalInstanceContext(
        String instanceId,
        DatastoreVersion version,
        Flavor flavor,
        Path homeDir,
        Path templateDir,
        String bindAddress,
        int port,
        ProcessSupervisor processes,
        SecretStore secrets) implements InstanceContext {

    /** Where the supervisor keeps its pid files: the control plane's alone. */
    static final String SUPERVISOR_DIR = "supervisor";

    public LocalInstanceContext {
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(version, "version is null");
        requireNonNull(flavor, "flavor is null");
        requireNonNull(homeDir, "homeDir is null");
        requireNonNull(templateDir, "templateDir is null");
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(processes, "processes is null");
        requireNonNull(secrets, "secrets is null");
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId is blank");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        homeDir = homeDir.toAbsolutePath().normalize();
        templateDir = templateDir.toAbsolutePath().normalize();
    }

    /**
     * Creates the instance's directories (mode 0700) below {@code homeDir} and, if missing,
     * {@code templateDir}, and returns a context with a {@link LocalProcessSupervisor} owned by
     * {@code homeDir} and a {@link FileSecretStore} over the configuration directory.
     *
     * @throws DatastoreException if a directory cannot be created
     */
    public static LocalInstanceContext create(
            String instanceId,
            DatastoreVersion version,
            Flavor flavor,
            Path homeDir,
            Path templateDir,
            String bindAddress,
            int port) {
        Path home = requireNonNull(homeDir, "homeDir is null").toAbsolutePath().normalize();
        Path data = home.resolve("data");
        Path conf = home.resolve("conf");
        Path log = home.resolve("log");
        Path run = home.resolve("run");
        try {
            createPrivateDirectory(home);
            for (Path dir : new Path[] {data, conf, log, run, home.resolve(SUPERVISOR_DIR)}) {
                createPrivateDirectory(dir);
            }
            Files.createDirectories(requireNonNull(templateDir, "templateDir is null"));
        } catch (IOException e) {
            throw new DatastoreException("Could not create the directories of instance " + instanceId + ".", e);
        }
        return new LocalInstanceContext(instanceId, version, flavor, home, templateDir, bindAddress, port,
                supervisor(home, port), new FileSecretStore(conf));
    }

    /**
     * The instance's supervisor: pid files in {@code supervisor/}, which its daemons cannot write;
     * when the control plane runs as root, daemons confined by {@link EngineSandbox} under the
     * identity of the instance's port, owning {@code data}, {@code log} and {@code run}.
     */
    private static LocalProcessSupervisor supervisor(Path home, int port) {
        return new LocalProcessSupervisor(home.resolve(SUPERVISOR_DIR), home.resolve("log"), home,
                EngineSandbox.forThisProcess().map(sandbox -> new LocalProcessSupervisor.Confinement(sandbox,
                        EngineSandbox.Identity.ofPort(port),
                        List.of(home.resolve("data"), home.resolve("log"), home.resolve("run")))));
    }

    /**
     * The context of an instance whose directories already exist, without touching the disk (for
     * the health loop and other repeated operations).
     */
    public static LocalInstanceContext open(
            String instanceId,
            DatastoreVersion version,
            Flavor flavor,
            Path homeDir,
            Path templateDir,
            String bindAddress,
            int port) {
        Path home = requireNonNull(homeDir, "homeDir is null").toAbsolutePath().normalize();
        return new LocalInstanceContext(instanceId, version, flavor, home, templateDir, bindAddress, port,
                supervisor(home, port), new FileSecretStore(home.resolve("conf")));
    }

    /**
     * Where an instance's key, certificate and the authority's certificate are kept in its
     * configuration directory (made there by the agent, or by the control plane when the drivers
     * run in its process).
     */
    public static TlsFiles tlsFilesIn(Path confDir) {
        return new TlsFiles(confDir.resolve("tls-cert.pem"), confDir.resolve("tls-key.pem"), confDir.resolve("tls-ca.pem"));
    }

    /** The instance's TLS files once the control plane has issued them. */
    @Override
    public Optional<TlsFiles> tls() {
        TlsFiles files = tlsFilesIn(confDir());
        return Files.exists(files.certificate()) && Files.exists(files.privateKey()) ? Optional.of(files) : Optional.empty();
    }

    @Override
    public Path dataDir() {
        return homeDir.resolve("data");
    }

    @Override
    public Path confDir() {
        return homeDir.resolve("conf");
    }

    @Override
    public Path logDir() {
        return homeDir.resolve("log");
    }

    @Override
    public Path runDir() {
        return homeDir.resolve("run");
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * Releases an instance's directory: kills every process that runs from it (see
     * {@link LocalProcessSupervisor#findProcessesReferencing}), {@code before} hearing of each,
     * then removes it. Does nothing for a directory that is gone.
     */
    public static void release(Path home, java.util.function.Consumer<ProcessHandle> before) {
        LocalProcessSupervisor.killProcessesReferencing(home, before);
        deleteTree(home);
    }

    /** Removes {@code root} and everything below it; what vanishes meanwhile is no error. */
    public static void deleteTree(Path root) {
        io.reddwarf.spi.FileTrees.delete(root);
    }
}
