package io.reddwarf.core;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.provider.PortRange;
import io.reddwarf.spi.Flavor;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration of the control plane's core, read from {@code $REDDWARF_HOME/reddwarf.properties}
 * when that file exists; every key has a default. See docs/configuration.md for the reference.
 *
 * @param home              the state directory ({@code state/}, {@code instances/}, {@code templates/})
 * @param instanceAddress   the address instances listen on
 * @param portMin           first port of the range handed to instances
 * @param portMax           last port of the range (inclusive)
 * @param flavors           the flavors users can choose
 * @param jdbcUrl           the state store; empty for the embedded H2 file under {@code state/}
 * @param jdbcUser          user for {@code jdbcUrl}
 * @param jdbcPassword      password for {@code jdbcUrl}
 * @param healthInterval    how often the health loop probes each instance
 * @param buildTimeout      how long an instance may stay in BUILD before it is set to ERROR
 * @param workers           how many workflow steps run at once
 * @param backupsDir        the backup store's directory ({@code backups.dir}, default {@code home/backups})
 * @param backupStrategies  the deployer's backup strategy per datastore version, keyed
 *                          {@code <type>.<version>} ({@code backup.strategy.mariadb.10.11=mariadb-dump})
 * @param recovery          what the health loop does with engines that hang or crash
 * @param localAgent        whether the local provider runs the drivers in a local agent process
 *                          ({@code provider.local.drivers=agent}, the default) rather than in the
 *                          control plane's process ({@code in-process})
 * @param agentHost         the name of the enrolled agent on whose host every instance is placed
 *                          ({@code provider.agent-host}); empty: instances run on this host (the local
 *                          provider). Instances listen on, and are reached at, {@code instances.address}.
 */
public record CoreConfig(
        Path home,
        String instanceAddress,
        int portMin,
        int portMax,
        List<Flavor> flavors,
        Optional<String> jdbcUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        Duration healthInterval,
        Duration buildTimeout,
        int workers,
        Path backupsDir,
        Map<String, String> backupStrategies,
        EngineRecovery recovery,
        boolean localAgent,
        Optional<String> agentHost) {

    public static final String FILE_NAME = "reddwarf.properties";
    /**
     * Below Linux's default ephemeral range (32768-60999), from which the kernel picks the local
     * ports of outgoing connections, so such a connection cannot hold an instance's port when its
     * engine starts.
     */
    public static final PortRange DEFAULT_PORT_RANGE = new PortRange(23000, 23999);
    static final String BACKUP_STRATEGY_PREFIX = "backup.strategy.";

    public CoreConfig {
        home = requireNonNull(home, "home is null").toAbsolutePath().normalize();
        requireNonNull(instanceAddress, "instanceAddress is null");
        flavors = List.copyOf(requireNonNull(flavors, "flavors is null"));
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(jdbcUser, "jdbcUser is null");
        requireNonNull(jdbcPassword, "jdbcPassword is null");
        requireNonNull(healthInterval, "healthInterval is null");
        requireNonNull(buildTimeout, "buildTimeout is null");
        if (portMin < 1024 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("invalid port range " + portMin + "-" + portMax);
        }
        backupsDir = requireNonNull(backupsDir, "backupsDir is null").toAbsolutePath().normalize();
        backupStrategies = Map.copyOf(requireNonNull(backupStrategies, "backupStrategies is null"));
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        requireNonNull(recovery, "recovery is null");
    }

    /**
     * How the health loop treats an engine that stops answering or keeps stopping.
     *
     * @param hangProbes     consecutive probes an engine whose process exists may leave unanswered
     *                       before it is killed and started again ({@code health.hang-probes})
     * @param restartBackoff the wait before the second automatic start of a series; each further
     *                       one waits twice as long as the one before ({@code health.restart-backoff-ms})
     * @param restartBackoffMax the longest wait between automatic starts ({@code health.restart-backoff-max-ms})
     * @param stableAfter    how long an automatically started engine must answer every probe for its
     *                       series of restarts to end and its fault to be cleared ({@code health.stable-seconds})
     */
    public record EngineRecovery(int hangProbes, Duration restartBackoff, Duration restartBackoffMax,
            Duration stableAfter) {
        public static final EngineRecovery DEFAULT = new EngineRecovery(5, Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(60));

        public EngineRecovery {
            requireNonNull(restartBackoff, "restartBackoff is null");
            requireNonNull(restartBackoffMax, "restartBackoffMax is null");
            requireNonNull(stableAfter, "stableAfter is null");
            if (hangProbes < 1) {
                throw new IllegalArgumentException("health.hang-probes must be at least 1");
            }
            if (restartBackoff.isNegative() || restartBackoffMax.compareTo(restartBackoff) < 0) {
                throw new IllegalArgumentException(
                        "health.restart-backoff-max-ms must be at least health.restart-backoff-ms, both not negative");
            }
        }

        /**
         * The wait between the previous automatic start of a series and the {@code n}-th (from 1):
         * none before the first, then {@link #restartBackoff} doubling up to {@link #restartBackoffMax}.
         */
        public Duration delayBefore(int n) {
            if (n <= 1) {
                return Duration.ZERO;
            }
            Duration delay = restartBackoff;
            for (int i = 2; i < n && delay.compareTo(restartBackoffMax) < 0; i++) {
                delay = delay.multipliedBy(2);
            }
            return delay.compareTo(restartBackoffMax) > 0 ? restartBackoffMax : delay;
        }
    }

    /** The flavors offered when the configuration names none. */
    public static List<Flavor> defaultFlavors() {
        return List.of(
                new Flavor("1", "m1.tiny", 512, 1, 1),
                new Flavor("2", "m1.small", 1024, 1, 5),
                new Flavor("3", "m1.medium", 2048, 2, 10),
                new Flavor("4", "m1.large", 4096, 4, 20));
    }

    /** Defaults for {@code home}, overridden by {@code home/reddwarf.properties} if it exists. */
    public static CoreConfig load(Path home) {
        Properties p = new Properties();
        Path file = home.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return fromProperties(home, p);
    }

    static CoreConfig fromProperties(Path home, Properties p) {
        String[] range = p.getProperty("instances.port-range", DEFAULT_PORT_RANGE.toString()).trim().split("-");
        if (range.length != 2) {
            throw new IllegalArgumentException("instances.port-range must look like " + DEFAULT_PORT_RANGE);
        }
        List<Flavor> flavors = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("flavor.")) {
                flavors.add(parseFlavor(key.substring("flavor.".length()), p.getProperty(key)));
            }
        }
        flavors.sort(Comparator.comparing(Flavor::id));
        Map<String, String> backupStrategies = new java.util.TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(BACKUP_STRATEGY_PREFIX)) {
                String version = key.substring(BACKUP_STRATEGY_PREFIX.length());
                String name = p.getProperty(key).trim();
                if (!version.matches("[^.]+\\..+") || name.isEmpty()) {
                    throw new IllegalArgumentException(key + " must look like " + BACKUP_STRATEGY_PREFIX
                            + "<datastore>.<version>=<strategy>");
                }
                backupStrategies.put(version, name);
            }
        }
        return new CoreConfig(
                home,
                p.getProperty("instances.address", "127.0.0.1").trim(),
                Integer.parseInt(range[0].trim()),
                Integer.parseInt(range[1].trim()),
                flavors.isEmpty() ? defaultFlavors() : flavors,
                optional(p, "state.jdbc-url"),
                optional(p, "state.user"),
                optional(p, "state.password"),
                Duration.ofMillis(Long.parseLong(p.getProperty("health.interval-ms", "2000").trim())),
                Duration.ofSeconds(Long.parseLong(p.getProperty("build.timeout-seconds", "300").trim())),
                Integer.parseInt(p.getProperty("workflow.workers", "8").trim()),
                optional(p, "backups.dir").map(Path::of).map(home::resolve).orElse(home.resolve("backups")),
                backupStrategies,
                new EngineRecovery(
                        Integer.parseInt(p.getProperty("health.hang-probes",
                                Integer.toString(EngineRecovery.DEFAULT.hangProbes())).trim()),
                        Duration.ofMillis(Long.parseLong(p.getProperty("health.restart-backoff-ms",
                                Long.toString(EngineRecovery.DEFAULT.restartBackoff().toMillis())).trim())),
                        Duration.ofMillis(Long.parseLong(p.getProperty("health.restart-backoff-max-ms",
                                Long.toString(EngineRecovery.DEFAULT.restartBackoffMax().toMillis())).trim())),
                        Duration.ofSeconds(Long.parseLong(p.getProperty("health.stable-seconds",
                                Long.toString(EngineRecovery.DEFAULT.stableAfter().toSeconds())).trim()))),
                localDrivers(p.getProperty("provider.local.drivers", "agent").trim()),
                optional(p, "provider.agent-host"));
    }

    private static boolean localDrivers(String value) {
        return switch (value) {
            case "in-process" -> false;
            case "agent" -> true;
            default -> throw new IllegalArgumentException("provider.local.drivers must be in-process or agent: " + value);
        };
    }

    /** The ports handed to instances. */
    public PortRange ports() {
        return new PortRange(portMin, portMax);
    }

    /**
     * What to tell the operator when the instance ports overlap the kernel's ephemeral range
     * {@code kernel}: the kernel may give one of those ports to an outgoing connection between the
     * moment an instance gets it and the moment its engine binds it.
     */
    public Optional<String> ephemeralPortsWarning(PortRange kernel) {
        return ports().overlap(kernel).map(overlap -> "instances.port-range " + ports()
                + " overlaps the kernel's ephemeral port range " + kernel + " (" + PortRange.LINUX_EPHEMERAL
                + ") in ports " + overlap + ": an outgoing connection may take an instance's port before its engine"
                + " binds it. Choose a range outside it, such as the default " + DEFAULT_PORT_RANGE
                + ", or reserve the ports with the sysctl net.ipv4.ip_local_reserved_ports.");
    }

    /** The deployer's backup strategy for a datastore version, if {@code reddwarf.properties} names one. */
    public Optional<String> backupStrategy(String datastoreType, String version) {
        return Optional.ofNullable(backupStrategies.get(datastoreType + "." + version));
    }

    private static Flavor parseFlavor(String id, String value) {
        String[] f = value.split(",");
        if (f.length != 4) {
            throw new IllegalArgumentException("flavor." + id + " must be name,ramMb,vcpus,diskGb");
        }
        return new Flavor(id, f[0].trim(), Integer.parseInt(f[1].trim()), Integer.parseInt(f[2].trim()),
                Integer.parseInt(f[3].trim()));
    }

    private static Optional<String> optional(Properties p, String key) {
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** A copy with another port range (tests use disjoint ranges). */
    public CoreConfig withPorts(int min, int max) {
        return new CoreConfig(home, instanceAddress, min, max, flavors, jdbcUrl, jdbcUser, jdbcPassword,
                healthInterval, buildTimeout, workers, backupsDir, backupStrategies, recovery, localAgent, agentHost);
    }

    /**
     * A copy whose drivers run in the control plane's process: for a core started without an
     * agent listener, or with drivers given by hand rather than found on the class path.
     */
    public CoreConfig withDriversInProcess() {
        return new CoreConfig(home, instanceAddress, portMin, portMax, flavors, jdbcUrl, jdbcUser, jdbcPassword,
                healthInterval, buildTimeout, workers, backupsDir, backupStrategies, recovery, false, agentHost);
    }

    /** A copy with another state store. */
    public CoreConfig withJdbc(String url, String user, String password) {
        return new CoreConfig(home, instanceAddress, portMin, portMax, flavors, Optional.of(url),
                Optional.ofNullable(user), Optional.ofNullable(password), healthInterval, buildTimeout, workers,
                backupsDir, backupStrategies, recovery, localAgent, agentHost);
    }
}
