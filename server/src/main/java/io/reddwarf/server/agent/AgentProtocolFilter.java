package io.reddwarf.server.agent;

import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.agent.AgentService;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.util.Globals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every agent request: the protocol version it speaks must be this one (400 otherwise), and the
 * client certificate TLS verified against the deployment's CA must belong to an enrolled,
 * unrevoked agent with that certificate's serial (401 otherwise, logged). The agent's id goes into
 * the request as {@link #AGENT}. Every answer names the version.
 */
public final class AgentProtocolFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final Logger LOG = LoggerFactory.getLogger(AgentProtocolFilter.class);
    static final String AGENT = "reddwarf.agent";

    private final AgentService agents;
    private final Provider<Request> grizzly;

    @Inject
    public AgentProtocolFilter(AgentService agents, Provider<Request> grizzly) {
        this.agents = agents;
        this.grizzly = grizzly;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String version = request.getHeaderString(Protocol.HEADER);
        if (!Integer.toString(Protocol.VERSION).equals(version)) {
            LOG.warn("Refused an agent request speaking protocol version '{}'", version);
            throw ReddwarfException.badRequest("Unsupported agent protocol version '" + (version == null ? "" : version)
                    + "': this control plane speaks " + Protocol.VERSION + " (header " + Protocol.HEADER + ").");
        }
        Object attribute = grizzly.get().getAttribute(Globals.CERTIFICATES_ATTR);
        if (!(attribute instanceof X509Certificate[] chain) || chain.length == 0) {
            throw unauthorized();
        }
        String commonName = commonName(chain[0]);
        String agent = agents.authenticate(commonName, chain[0].getSerialNumber().toString(16)).orElseThrow(
                AgentProtocolFilter::unauthorized);
        request.setProperty(AGENT, agent);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(Protocol.HEADER, Integer.toString(Protocol.VERSION));
    }

    private static ReddwarfException unauthorized() {
        return new ReddwarfException(ErrorCode.UNAUTHORIZED, "This agent is not enrolled, or its enrolment was revoked.");
    }

    private static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // refused below
        }
        return "";
    }
}
