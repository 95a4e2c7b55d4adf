package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.HomePermissions;
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

/**
 * A whole control plane in one process: credentials, the core, the API and the CLI configuration.
 * {@link Main} runs one; tests start one per class.
 */
public final class ReddwarfServer implements AutoCloseable {
    private final Reddwarf core;
    private final ApiServer api;
    private final CredentialsFile credentials;
    private final Path cloudsYaml;

    private ReddwarfServer(Reddwarf core, ApiServer api, CredentialsFile credentials, Path cloudsYaml) {
        this.core = core;
        this.api = api;
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
        Reddwarf core = Reddwarf.start(config);
        try {
            ApiServer api = ApiServer.start(options.bind(), options.port(), CoreServices.of(core), credentials,
                    new RateLimiter(rateLimitPerMinute(options.home()), java.time.Clock.systemUTC()),
                    maxBodyBytes(options.home()));
            Path clouds = CloudsYaml.write(options.home(), api.baseUri());
            return new ReddwarfServer(core, api, credentials, clouds);
        } catch (RuntimeException e) {
            core.close();
            throw e;
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

    /** Stops the API, then the core; instances keep running. */
    @Override
    public void close() {
        try {
            api.close();
        } finally {
            core.close();
        }
    }
}
