package io.reddwarf.core.provider;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest agent of the local provider's host: enrolled with the control plane like any agent,
 * its credentials in {@code home/agent/}, started as a process of its own from the control plane's
 * class path, and started again when it ends. The engines are its children, not the control
 * plane's. It is the one agent of the host; a control plane that starts again stops the agent a
 * previous run left (its engines keep running) and starts one that reports to it.
 */
public final class LocalAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);
    static final String MAIN_CLASS = "io.reddwarf.agent.Main";
    private static final String PID_FILE = "agent.pid";
    private static final Duration RESTART_PAUSE = Duration.ofSeconds(1);

    private final Path home;
    private final Path instancesDir;
    private final Path templatesDir;
    private final Path backupsDir;
    private final String agentId;
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-agent-watch");
        t.setDaemon(true);
        return t;
    });
    private URI controlPlane;
    private Process process;
    private volatile boolean closed;

    private LocalAgent(Path home, Path instancesDir, Path templatesDir, Path backupsDir, String agentId) {
        this.backupsDir = backupsDir;
        this.home = home;
        this.instancesDir = instancesDir;
        this.templatesDir = templatesDir;
        this.agentId = agentId;
    }

    /**
     * The host's agent: the one enrolled before if its credentials are in {@code home} and it is
     * not revoked, else a newly enrolled one (its key is written to {@code home} only).
     */
    public static LocalAgent enrol(Path home, Path instancesDir, Path templatesDir, Path backupsDir,
            AgentService agents) {
        requireNonNull(agents, "agents is null");
        try {
            Files.createDirectories(home);
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
        Optional<String> known = knownId(home).filter(id -> usable(agents, id, home));
        if (known.isPresent()) {
            return new LocalAgent(home, instancesDir, templatesDir, backupsDir, known.get());
        }
        AgentService.Enrolment enrolment = agents.enrol("local-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        try {
            CertificateAuthority.writeAtomically(home.resolve("agent-key.pem"), enrolment.credential().privateKeyPem(),
                    "rw-------");
            CertificateAuthority.writeAtomically(home.resolve("agent-cert.pem"), enrolment.credential().certificatePem(),
                    "rw-------");
            CertificateAuthority.writeAtomically(home.resolve("ca.pem"), enrolment.authorityPem(), "rw-------");
            CertificateAuthority.writeAtomically(home.resolve("agent.id"), enrolment.agent().id() + "\n", "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local agent's credentials to " + home, e);
        }
        LOG.info("Enrolled the local agent {} ({})", enrolment.agent().id(), enrolment.agent().name());
        return new LocalAgent(home, instancesDir, templatesDir, backupsDir, enrolment.agent().id());
    }

    private static Optional<String> knownId(Path home) {
        try {
            Path file = home.resolve("agent.id");
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean usable(AgentService agents, String id, Path home) {
        if (!Files.isRegularFile(home.resolve("agent-key.pem")) || !Files.isRegularFile(home.resolve("agent-cert.pem"))) {
            return false;
        }
        try {
            return agents.get(id).revoked().isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public String agentId() {
        return agentId;
    }

    /**
     * Starts the agent reporting to {@code controlPlane} (the agent listener), after stopping one a
     * previous run of the control plane left, and watches it from now on.
     */
    public synchronized void start(URI controlPlane) {
        this.controlPlane = requireNonNull(controlPlane, "controlPlane is null");
        stopLeftAgent();
        writeConfiguration();
        launch();
        watch.scheduleWithFixedDelay(this::keepRunning, RESTART_PAUSE.toMillis(), RESTART_PAUSE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void writeConfiguration() {
        String text = "# Written by the control plane at each start: the local agent's settings.\n"
                + "agent.id = " + agentId + "\n"
                + "control-plane.url = " + controlPlane + "\n"
                + "heartbeat.interval = 2s\n"
                + "instances.dir = " + instancesDir.toAbsolutePath() + "\n"
                + "templates.dir = " + templatesDir.toAbsolutePath() + "\n"
                + "backups.dir = " + backupsDir.toAbsolutePath() + "\n";
        try {
            CertificateAuthority.writeAtomically(home.resolve("agent.properties"), text, "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + home.resolve("agent.properties"), e);
        }
    }

    private void launch() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        // a small heap and the serial collector: the agent holds little; but both JIT tiers, because
        // the backup pipeline it runs encrypts at a few GB/s only once C2 has compiled AES-GCM
        List<String> command = new ArrayList<>(List.of(java, "-Xss512k", "-XX:+UseSerialGC", "-Xmx128m",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", absoluteClassPath(), MAIN_CLASS, "--home", home.toString()));
        try {
            Path log = home.resolve("agent.log");
            if (!Files.exists(log)) {
                Files.createFile(log, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            }
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("agent.log").toFile())).start();
            CertificateAuthority.writeAtomically(home.resolve(PID_FILE), process.pid() + "\n", "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local agent (" + java + ")", e);
        }
        LOG.info("Started the local agent {} (pid {}); its log is {}", agentId, process.pid(), home.resolve("agent.log"));
    }

    /**
     * This JVM's class path with every entry absolute: the agent runs in its own directory, and a
     * server started as {@code java -jar server/target/reddwarf-server.jar} (as scripts/start does)
     * has a relative one.
     */
    static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private synchronized void keepRunning() {
        if (closed || process == null || process.isAlive()) {
            return;
        }
        LOG.warn("The local agent (pid {}) ended with status {}; starting it again", process.pid(), process.exitValue());
        try {
            launch();
        } catch (RuntimeException e) {
            LOG.error("Cannot start the local agent again: {}", e.getMessage());
        }
    }

    /** Stops the agent a previous run left, found by its pid file and its command line. */
    private void stopLeftAgent() {
        Path pidFile = home.resolve(PID_FILE);
        long pid;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            pid = Long.parseLong(Files.readString(pidFile, UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).filter(p -> isAgent(p, home)).ifPresent(left -> {
            LOG.info("Stopping the local agent a previous run left (pid {}); its engines keep running", pid);
            stop(left);
        });
    }

    static boolean isAgent(ProcessHandle process, Path home) {
        String[] args = process.info().arguments().orElse(new String[0]);
        boolean main = false;
        boolean ours = false;
        for (int i = 0; i < args.length; i++) {
            main |= args[i].equals(MAIN_CLASS);
            ours |= args[i].equals("--home") && i + 1 < args.length && args[i + 1].equals(home.toString());
        }
        return main && ours;
    }

    private static void stop(ProcessHandle agent) {
        agent.destroy();
        try {
            agent.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            agent.destroyForcibly();
            agent.onExit().join();
        }
    }

    /** The agent process now, if it runs. */
    public synchronized Optional<ProcessHandle> process() {
        return process == null || !process.isAlive() ? Optional.empty() : Optional.of(process.toHandle());
    }

    /** Stops watching and stops the agent; its engines keep running. */
    @Override
    public synchronized void close() {
        closed = true;
        watch.shutdownNow();
        if (process != null && process.isAlive()) {
            stop(process.toHandle());
        }
    }
}
