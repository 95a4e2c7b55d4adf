package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.HomePermissions;
import io.reddwarf.server.agent.AgentListener;
import io.reddwarf.server.api.RateLimiter;
import io.reddwarf.server.api.RequestBodyFilter;
import io.reddwarf.core.Reddwarf;
import io.reddwarf.server.auth.CloudsYaml;
import io.reddwarf.server.auth.CredentialsFile;
import io.reddwarf.server.auth.LocalCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole control plane in one process: credentials, the core, the API and the CLI configuration.
 * {@link Main} runs one; tests start one per class.
 */
public final class ReddwarfServer implements AutoCloseable {
    /** Where agents connect unless {@code agent.port} says otherwise. */
    public static final int DEFAULT_AGENT_PORT = 8780;
    private final Reddwarf core;
    private final ApiServer api;
    private final AgentListener agents;
    private final CredentialsFile credentials;
    private final Path cloudsYaml;

    private ReddwarfServer(Reddwarf core, ApiServer api, AgentListener agents, CredentialsFile credentials, Path cloudsYaml) {
        this.core = core;
        this.api = api;
        this.agents = agents;
        this.credentials = credentials;
        this.cloudsYaml = cloudsYaml;
    }

    /** Starts with the configuration in {@code options.home()}. */
    public static ReddwarfServer start(ServerOptions options) {
        createHome(options.home());
        return start(options, CoreConfig.load(options.home()));
    }

    /** Starts with an explicit core configuration (whose home should be {@code options.home()}). */
    public static ReddwarfServer start(ServerOptions options, CoreConfig config) {
        requireNonNull(options, "options is null");
        requireNonNull(config, "config is null");
        createHome(options.home());
        CredentialsFile credentials = CredentialsFile.open(options.home());
        // Created 0600, but one written by an older version or by hand may be more open;
        // clouds.yaml is written anew below.
        HomePermissions.ownerOnlyFile(options.home().resolve(LocalCredentials.FILE_NAME));
        HomePermissions.ownerOnlyFile(options.home().resolve(LocalCredentials.LOCK_FILE_NAME));
        String agentBind = agentBind(options);
        // The core (state store, reconciliation) starts beside the API: requests that need it
        // wait for it, what needs nothing of it (GET /) is answered at once. The agent listener and
        // the local agent start after both; commands submitted meanwhile wait in the state store.
        java.util.concurrent.CompletableFuture<Reddwarf> coreStarted = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().name("core-start").start(() -> {
            try {
                coreStarted.complete(Reddwarf.start(config));
            } catch (Throwable e) {
                coreStarted.completeExceptionally(e);
            }
        });
        java.util.concurrent.CompletableFuture<AgentListener> agentsStarted = new java.util.concurrent.CompletableFuture<>();
        java.util.function.Supplier<CoreServices> services = memoized(() -> CoreServices.of(coreStarted.join(),
                () -> agentsStarted.join().baseUri().toString()));
        ApiServer api = null;
        AgentListener agents = null;
        Reddwarf core = null;
        try {
            api = ApiServer.start(options.bind(), options.port(), services, credentials,
                    new RateLimiter(rateLimitPerMinute(options.home()), java.time.Clock.systemUTC()),
                    maxBodyBytes(options.home()));
            core = awaitCore(coreStarted);
            Path clouds = CloudsYaml.write(options.home(), api.baseUri());
            agents = AgentListener.start(agentBind, agentPort(options), java.util.stream.Stream.of(
                    config.instanceAddress(), agentBind).filter(a -> !a.equals("0.0.0.0") && !a.equals("::"))
                    .distinct().toList(), core.agents(), core.authority());
            agentsStarted.complete(agents);
            core.startLocalAgent(agents.baseUri());
            return new ReddwarfServer(core, api, agents, credentials, clouds);
        } catch (RuntimeException | Error e) {
            agentsStarted.completeExceptionally(e);
            if (api != null) {
                api.close();
            }
            if (agents != null) {
                agents.close();
            }
            if (core == null) {
                core = coreStarted.handle((started, failure) -> started).join();
            }
            if (core != null) {
                core.close();
            }
            throw e;
        }
    }

    /** The started core; its start's failure as it was thrown. */
    private static Reddwarf awaitCore(java.util.concurrent.CompletableFuture<Reddwarf> started) {
        try {
            return started.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** {@code supplier}'s value, made once. */
    private static <T> java.util.function.Supplier<T> memoized(java.util.function.Supplier<T> supplier) {
        return new java.util.function.Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T made = value;
                if (made == null) {
                    synchronized (this) {
                        made = value;
                        if (made == null) {
                            made = supplier.get();
                            value = made;
                        }
                    }
                }
                return made;
            }
        };
    }

    /**
     * {@code agent.bind} of {@code home/reddwarf.properties}: the address agents connect to (default:
     * the API's own); agents on other hosts need one they can reach.
     */
    static String agentBind(ServerOptions options) {
        String value = setting(options.home(), "agent.bind");
        if (value.isEmpty()) {
            return options.bind();
        }
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}|[0-9A-Fa-f:.]{2,45}")) {
            throw new IllegalArgumentException("agent.bind in " + options.home().resolve(CoreConfig.FILE_NAME)
                    + " must be an IP address or a host name: " + value);
        }
        return value;
    }

    private static String setting(Path home, String name) {
        Path file = home.resolve(CoreConfig.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p.getProperty(name, "").trim();
    }

    /**
     * {@code agent.port} of {@code home/reddwarf.properties}: where agents connect (default 8780; 0
     * for any free port, which is also the default when the API itself listens on any free port).
     */
    static int agentPort(ServerOptions options) {
        Path file = options.home().resolve(CoreConfig.FILE_NAME);
        String value = "";
        if (Files.isRegularFile(file)) {
            java.util.Properties p = new java.util.Properties();
            try (java.io.Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            value = p.getProperty("agent.port", "").trim();
        }
        if (value.isEmpty()) {
            return options.port() == 0 ? 0 : DEFAULT_AGENT_PORT;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("agent.port in " + file + " must be a port number from 0 to 65535");
        }
    }

    /** {@code api.rate-limit-per-minute} of {@code home/reddwarf.properties}, else Trove's default. */
    static int rateLimitPerMinute(Path home) {
        return (int) positiveSetting(home, "api.rate-limit-per-minute", RateLimiter.DEFAULT_PER_MINUTE, Integer.MAX_VALUE);
    }

    /** {@code api.max-body-bytes} of {@code home/reddwarf.properties}, else 1 MiB. */
    static long maxBodyBytes(Path home) {
        return positiveSetting(home, "api.max-body-bytes", RequestBodyFilter.DEFAULT_MAX_BODY_BYTES, Long.MAX_VALUE);
    }

    private static long positiveSetting(Path home, String key, long fallback, long max) {
        Path file = home.resolve(CoreConfig.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return fallback;
        }
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String value = p.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long setting = Long.parseLong(value);
            if (setting < 1 || setting > max) {
                throw new NumberFormatException();
            }
            return setting;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " in " + file + " must be a positive whole number");
        }
    }

    private static void createHome(Path home) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
    }

    public URI baseUri() {
        return api.baseUri();
    }

    public int port() {
        return api.port();
    }

    /** The credentials as the server last read them (it reads them again when a project is added). */
    public LocalCredentials credentials() {
        return credentials.current();
    }

    public Path cloudsYaml() {
        return cloudsYaml;
    }

    public Reddwarf core() {
        return core;
    }

    /** Where agents reach the agent listener. */
    public URI agentListener() {
        return agents.baseUri();
    }

    /**
     * Stops the API, lets the workflows in flight end while agents can still report their results,
     * then closes the agent listener and the core; instances keep running.
     */
    @Override
    public void close() {
        try {
            api.close();
            core.stopWork();
            agents.close();
        } finally {
            core.close();
        }
    }
}
