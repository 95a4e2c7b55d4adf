package io.reddwarf.server.agent;

import static java.util.Objects.requireNonNull;

import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Tls;
import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.tls.CertificateAuthority;
import io.reddwarf.server.api.ApiExceptionMapper;
import io.reddwarf.server.http.Listeners;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.hk2.utilities.binding.AbstractBinder;

/**
 * The control plane's listener for its agents: HTTPS on a port of its own (TLS 1.3), a server
 * certificate from the deployment's CA made at each start, and a client certificate from the same
 * CA required of every connection. The Trove API's listener never accepts agent requests, and this
 * one serves nothing else.
 */
public final class AgentListener implements AutoCloseable {
    private final HttpServer http;
    private final URI baseUri;

    private AgentListener(HttpServer http, URI baseUri) {
        this.http = http;
        this.baseUri = baseUri;
    }

    /**
     * Listens on {@code bind}:{@code port} (0: any free port).
     *
     * @param names the addresses and host names agents reach the control plane at (in its certificate)
     */
    public static AgentListener start(String bind, int port, List<String> names, AgentService agents,
            CertificateAuthority authority) {
        requireNonNull(agents, "agents is null");
        Set<String> all = new LinkedHashSet<>(names);
        all.add("127.0.0.1");
        all.add("localhost");
        CertificateAuthority.Credential credential = authority.issueServer(new ArrayList<>(all));
        SSLEngineConfigurator tls = new SSLEngineConfigurator(Tls.context(credential.privateKeyPem(),
                List.of(credential.certificatePem(), authority.certificatePem()), authority.certificatePem()))
                .setClientMode(false).setNeedClientAuth(true);
        tls.setEnabledProtocols(new String[] {"TLSv1.3"});
        String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        ResourceConfig app = new ResourceConfig()
                .register(AgentResource.class)
                .register(AgentProtocolFilter.class)
                .register(JacksonFeature.withoutExceptionMappers())
                .register(ApiExceptionMapper.class)
                .register(new AbstractBinder() {
                    @Override
                    protected void configure() {
                        bind(agents).to(AgentService.class);
                    }
                })
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.BV_FEATURE_DISABLE, true);
        HttpServer http = GrizzlyHttpServerFactory.createHttpServer(URI.create("https://" + host + ":" + port + "/"), app,
                true, tls, false);
        int actual = Listeners.start(http, bind + ":" + port + " for agents");
        String client = switch (bind) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> host;
        };
        return new AgentListener(http, URI.create("https://" + client + ":" + actual + "/"));
    }

    /** Where agents reach this listener, e.g. {@code https://127.0.0.1:8780/}. */
    public URI baseUri() {
        return baseUri;
    }

    public String protocolRoot() {
        return Protocol.ROOT;
    }

    @Override
    public void close() {
        Listeners.stop(http);
    }
}
