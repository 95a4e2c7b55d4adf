package io.reddwarf.agent;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * An agent's settings, read from {@code agent.properties} in its home (written by the control
 * plane when it enrols the agent):
 *
 * <pre>
 * agent.id = 5b0c…                        the id the control plane knows the agent by
 * control-plane.url = https://10.0.0.1:8780   its agent listener
 * heartbeat.interval = 2s                 (optional)
 * instances.dir = /srv/reddwarf/instances (optional; default instances/ in the agent's home)
 * templates.dir = /srv/reddwarf/templates (optional; default templates/ in the agent's home)
 * backups.dir = /srv/reddwarf/backups     (optional; default backups/ in the agent's home): the
 *                                         object store backups are written to and read from
 * </pre>
 *
 * The credentials are files next to it: {@code agent-key.pem} (0600), {@code agent-cert.pem} and
 * {@code ca.pem}, the deployment's certificate authority, the only one the agent trusts.
 */
public record AgentConfig(Path home, String agentId, URI controlPlane, Duration heartbeatInterval, Path instancesDir,
        Path templatesDir, Path backupsDir) {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public static final String FILE = "agent.properties";
    public static final String KEY = "agent-key.pem";
    public static final String CERTIFICATE = "agent-cert.pem";
    public static final String AUTHORITY = "ca.pem";

    /**
     * Reads {@code home/agent.properties}.
     *
     * @throws IllegalArgumentException naming the setting or file that is missing or wrong
     */
    public static AgentConfig load(Path home) {
        Path file = home.resolve(FILE);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage()
                    + " (the control plane writes it when it enrols the agent)", e);
        }
        String id = required(properties, "agent.id", file);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("agent.id in " + file + " is not an agent id: " + id);
        }
        URI url;
        try {
            url = URI.create(required(properties, "control-plane.url", file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("control-plane.url in " + file + " is not a URL: " + e.getMessage(), e);
        }
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("control-plane.url in " + file + " must be an https:// URL: " + url);
        }
        Duration interval = parseDuration(properties.getProperty("heartbeat.interval", "2s").strip(), file);
        for (String name : new String[] {KEY, CERTIFICATE, AUTHORITY}) {
            if (!Files.isRegularFile(home.resolve(name))) {
                throw new IllegalArgumentException("The agent's credential file " + home.resolve(name) + " is missing.");
            }
        }
        return new AgentConfig(home, id, url, interval, directory(properties, "instances.dir", home.resolve("instances"), file),
                directory(properties, "templates.dir", home.resolve("templates"), file),
                directory(properties, "backups.dir", home.resolve("backups"), file));
    }

    public Path journalDir() {
        return home.resolve("journal");
    }

    private static Path directory(Properties properties, String name, Path fallback, Path file) {
        String value = properties.getProperty(name, "").strip();
        if (value.isEmpty()) {
            return fallback;
        }
        Path dir = Path.of(value);
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException(name + " in " + file + " must be an absolute path: " + value);
        }
        return dir.normalize();
    }

    private static String required(Properties properties, String name, Path file) {
        String value = properties.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + " has no " + name + ".");
        }
        return value.strip();
    }

    private static Duration parseDuration(String text, Path file) {
        var m = Pattern.compile("([0-9]{1,6})(ms|s)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("heartbeat.interval in " + file + " must look like 2s or 500ms: " + text);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
        if (d.toMillis() < 100 || d.toSeconds() > 60) {
            throw new IllegalArgumentException("heartbeat.interval in " + file + " must be between 100ms and 60s: " + text);
        }
        return d;
    }
}
