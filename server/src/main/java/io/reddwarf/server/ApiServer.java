package io.reddwarf.server;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.backup.BackupService;
import io.reddwarf.core.backup.BackupStrategyService;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.server.api.ApiExceptionMapper;
import io.reddwarf.server.api.ConfigurationsResource;
import io.reddwarf.server.api.InstanceConfigurationResource;
import io.reddwarf.server.api.MgmtParametersResource;
import io.reddwarf.server.api.ParametersResource;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.server.api.DatabasesResource;
import io.reddwarf.server.api.DatastoresResource;
import io.reddwarf.server.api.FlavorsResource;
import io.reddwarf.server.api.BackupStrategiesResource;
import io.reddwarf.server.api.BackupsResource;
import io.reddwarf.server.api.AgentsResource;
import io.reddwarf.server.api.CertificateAuthorityResource;
import io.reddwarf.server.api.InstanceBackupsResource;
import io.reddwarf.server.api.InstancesResource;
import io.reddwarf.server.api.LimitsResource;
import io.reddwarf.server.api.MgmtResource;
import io.reddwarf.server.api.ObjectMapperResolver;
import io.reddwarf.server.api.QuotasResource;
import io.reddwarf.server.api.RateLimiter;
import io.reddwarf.server.api.RequestBodyFilter;
import io.reddwarf.server.api.RootResource;
import io.reddwarf.server.api.UsersResource;
import io.reddwarf.server.api.VersionsResource;
import io.reddwarf.server.auth.AuthFilter;
import io.reddwarf.server.auth.TokenAuthenticator;
import io.reddwarf.server.http.Listeners;
import io.reddwarf.server.http.RequestGuard;
import java.net.URI;
import java.util.Map;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.hk2.utilities.binding.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The HTTP side: Grizzly serving the Jersey application of the Trove v1.0 API. */
public final class ApiServer implements AutoCloseable {
    private final HttpServer http;
    private final URI baseUri;

    private ApiServer(HttpServer http, URI baseUri) {
        this.http = http;
        this.baseUri = baseUri;
    }

    /**
     * Binds and starts serving.
     *
     * @param bind the address to listen on
     * @param port the port, 0 for any free one
     */
    public static ApiServer start(String bind, int port, CoreServices core, TokenAuthenticator authenticator) {
        return start(bind, port, core, authenticator,
                new RateLimiter(RateLimiter.DEFAULT_PER_MINUTE, java.time.Clock.systemUTC()));
    }

    /** As {@link #start(String, int, CoreServices, TokenAuthenticator)}, with the given rate limits. */
    public static ApiServer start(String bind, int port, CoreServices core, TokenAuthenticator authenticator,
            RateLimiter rateLimiter) {
        return start(bind, port, core, authenticator, rateLimiter, RequestBodyFilter.DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * As {@link #start(String, int, CoreServices, TokenAuthenticator, RateLimiter)}, refusing request
     * bodies over {@code maxBodyBytes} with 413.
     */
    public static ApiServer start(String bind, int port, CoreServices core, TokenAuthenticator authenticator,
            RateLimiter rateLimiter, long maxBodyBytes) {
        requireNonNull(core, "core is null");
        return start(bind, port, () -> core, authenticator, rateLimiter, maxBodyBytes);
    }

    /**
     * As {@link #start(String, int, CoreServices, TokenAuthenticator, RateLimiter, long)}, with core
     * services that may still be starting: {@code core} is asked when a request needs them (and
     * waits for them), so what needs no core service, {@code GET /} say, is answered at once.
     */
    public static ApiServer start(String bind, int port, java.util.function.Supplier<CoreServices> core,
            TokenAuthenticator authenticator, RateLimiter rateLimiter, long maxBodyBytes) {
        requireNonNull(bind, "bind is null");
        requireNonNull(rateLimiter, "rateLimiter is null");
        requireNonNull(core, "core is null");
        requireNonNull(authenticator, "authenticator is null");
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + hostForUri(bind) + ":" + port + "/"),
                application(core, authenticator, rateLimiter, maxBodyBytes), false);
        ServerConfiguration config = http.getServerConfiguration();
        guard(config, maxBodyBytes);
        // After an answer that left a body unread (413, 401, ...), skip at most this much of it, then close.
        config.setMaxPayloadRemainderToSkip(maxBodyBytes);
        int actualPort = Listeners.start(http, bind + ":" + port);
        return new ApiServer(http, URI.create("http://" + hostForUri(clientHost(bind)) + ":" + actualPort + "/"));
    }

    /** Puts the {@link RequestGuard} in front of the one handler the factory registered, Jersey's. */
    private static void guard(ServerConfiguration config, long maxBodyBytes) {
        Map<HttpHandler, HttpHandlerRegistration[]> handlers = config.getHttpHandlersWithMapping();
        if (handlers.size() != 1) {
            throw new IllegalStateException("expected Jersey's handler only, found " + handlers.keySet());
        }
        Map.Entry<HttpHandler, HttpHandlerRegistration[]> jersey = handlers.entrySet().iterator().next();
        config.removeHttpHandler(jersey.getKey());
        config.addHttpHandler(new RequestGuard(jersey.getKey(), maxBodyBytes), jersey.getValue());
    }

    static ResourceConfig application(CoreServices core, TokenAuthenticator authenticator, RateLimiter rateLimiter,
            long maxBodyBytes) {
        return application(() -> core, authenticator, rateLimiter, maxBodyBytes);
    }

    static ResourceConfig application(java.util.function.Supplier<CoreServices> core, TokenAuthenticator authenticator,
            RateLimiter rateLimiter, long maxBodyBytes) {
        return new ResourceConfig()
                .register(VersionsResource.class)
                .register(DatastoresResource.class)
                .register(FlavorsResource.class)
                .register(InstancesResource.class)
                .register(BackupsResource.class)
                .register(BackupStrategiesResource.class)
                .register(InstanceBackupsResource.class)
                .register(ConfigurationsResource.class)
                .register(ParametersResource.ByDatastore.class)
                .register(ParametersResource.ByVersionId.class)
                .register(InstanceConfigurationResource.class)
                .register(MgmtParametersResource.class)
                .register(DatabasesResource.class)
                .register(UsersResource.class)
                .register(RootResource.class)
                .register(MgmtResource.class)
                .register(QuotasResource.class)
                .register(LimitsResource.class)
                .register(CertificateAuthorityResource.class)
                .register(AgentsResource.class)
                .register(JacksonFeature.withoutExceptionMappers())
                .register(ObjectMapperResolver.class)
                .register(ApiExceptionMapper.class)
                .register(new AuthFilter(authenticator))
                .register(rateLimiter)
                .register(new RequestBodyFilter(maxBodyBytes))
                .register(new AbstractBinder() {
                    @Override
                    protected void configure() {
                        bindFactory(lazily(() -> core.get().instances())).to(InstanceService.class);
                        bindFactory(lazily(() -> core.get().backups())).to(BackupService.class);
                        bindFactory(lazily(() -> core.get().backupStrategies())).to(BackupStrategyService.class);
                        bindFactory(lazily(() -> core.get().datastores())).to(DatastoreCatalog.class);
                        bindFactory(lazily(() -> core.get().flavors())).to(FlavorCatalog.class);
                        bindFactory(lazily(() -> core.get().configurations())).to(ConfigurationService.class);
                        bindFactory(lazily(() -> core.get().accounts())).to(AccountService.class);
                        bindFactory(lazily(() -> core.get().quotas())).to(QuotaService.class);
                        bind(rateLimiter).to(RateLimiter.class);
                        bindFactory(lazily(() -> new CertificateAuthorityResource.Authority(core.get().certificateAuthority())))
                                .to(CertificateAuthorityResource.Authority.class);
                        bind(authenticator).to(TokenAuthenticator.class);
                        bindFactory(lazily(() -> core.get().agents())).to(AgentService.class);
                        bindFactory(lazily(() -> new AgentsResource.Listener(core.get().agentListenerUrl())))
                                .to(AgentsResource.Listener.class);
                    }
                })
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.BV_FEATURE_DISABLE, true);
    }

    /** A service asked for each time a resource needs it (then cheap: the core has started). */
    private static <T> org.glassfish.hk2.api.Factory<T> lazily(java.util.function.Supplier<T> supplier) {
        return new org.glassfish.hk2.api.Factory<>() {
            @Override
            public T provide() {
                return supplier.get();
            }

            @Override
            public void dispose(T instance) {
                // the core owns its services
            }
        };
    }

    /** An address clients can use: a wildcard bind is reached through loopback. */
    private static String clientHost(String bind) {
        return switch (bind) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> bind;
        };
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Where clients reach the API, e.g. {@code http://127.0.0.1:8779/}. */
    public URI baseUri() {
        return baseUri;
    }

    public int port() {
        return baseUri.getPort();
    }

    /** Stops accepting requests and lets running ones finish for up to five seconds. */
    @Override
    public void close() {
        Listeners.stop(http);
    }
}
