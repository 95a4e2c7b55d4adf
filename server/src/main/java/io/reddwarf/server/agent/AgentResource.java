package io.reddwarf.server.agent;

import io.reddwarf.agent.protocol.CertificateRequest;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.agent.AgentService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Duration;

/** The agent protocol's routes (docs/agent-protocol.md); bodies in the protocol's own JSON mapping. */
@Path(Protocol.ROOT)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AgentResource {
    private final AgentService agents;

    private static final java.util.regex.Pattern SESSION = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,36}");

    @Inject
    public AgentResource(AgentService agents) {
        this.agents = agents;
    }

    @POST
    @Path("heartbeat")
    public String heartbeat(String body, @Context ContainerRequestContext request) {
        agents.heartbeat(agent(request), read(body, Heartbeat.class));
        return "{}";
    }

    @GET
    @Path("commands")
    public String commands(@QueryParam("wait") String wait, @QueryParam("session") String session,
            @QueryParam("tls_key") String tlsKey, @Context ContainerRequestContext request) throws IOException {
        java.util.Optional<java.security.PublicKey> offered = java.util.Optional.empty();
        if (tlsKey != null && !tlsKey.isEmpty()) {
            try {
                offered = java.util.Optional.of(AgentService.ecPublicKey(java.util.Base64.getUrlDecoder().decode(tlsKey)));
            } catch (IllegalArgumentException e) {
                throw ReddwarfException.badRequest("tls_key must be a base64url DER EC public key: " + e.getMessage());
            }
        }
        if (session == null || !SESSION.matcher(session).matches()) {
            throw ReddwarfException.badRequest("session must name the agent process's session: 1-36 letters, digits or '-'.");
        }
        int seconds;
        try {
            seconds = wait == null || wait.isEmpty() ? 0 : Integer.parseInt(wait);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > Protocol.MAX_WAIT_SECONDS) {
            throw ReddwarfException.badRequest("wait must be a whole number of seconds from 0 to " + Protocol.MAX_WAIT_SECONDS + ".");
        }
        try {
            return Protocol.json().writeValueAsString(new Command.Batch(agents.poll(agent(request), session, Duration.ofSeconds(seconds), offered)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Protocol.json().writeValueAsString(new Command.Batch(null));
        }
    }

    @POST
    @Path("results")
    public String results(String body, @Context ContainerRequestContext request) throws IOException {
        Result.Batch batch = read(body, Result.Batch.class);
        return Protocol.json().writeValueAsString(new Result.Acknowledgement(agents.complete(agent(request), batch.results())));
    }

    @POST
    @Path("certificates")
    public String certificates(String body, @Context ContainerRequestContext request) throws IOException {
        return Protocol.json().writeValueAsString(agents.certify(agent(request), read(body, CertificateRequest.class)));
    }

    private static String agent(ContainerRequestContext request) {
        return (String) request.getProperty(AgentProtocolFilter.AGENT);
    }

    private static <T> T read(String body, Class<T> type) {
        try {
            return Protocol.json().readValue(body == null || body.isEmpty() ? "{}" : body, type);
        } catch (IOException | RuntimeException e) {
            throw ReddwarfException.badRequest("The body is not a valid " + type.getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
