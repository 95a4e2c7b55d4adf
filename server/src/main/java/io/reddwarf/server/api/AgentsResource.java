package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.agent.AgentService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1.0/{project_id}/mgmt/agents}: enrol, list, revoke and ping guest agents (administrators
 * only). Enrolment answers the agent's private key once; Reddwarf does not keep it.
 */
@Path("/v1.0/{project_id}/mgmt/agents")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentsResource {
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    /** The URL agents reach the agent listener at. */
    /** Where agents reach the control plane: asked at enrolment (the listener may start after the API). */
    public record Listener(java.util.function.Supplier<String> address) {
        String url() {
            return address.get();
        }
    }

    private final AgentService agents;
    private final Listener listener;

    @Inject
    public AgentsResource(AgentService agents, Listener listener) {
        this.agents = agents;
        this.listener = listener;
    }

    /**
     * {@code {"agent": {"name": "host-1"}}} → the agent and, once, its credentials: {@code key},
     * {@code certificate}, {@code authority} (PEM) and {@code control_plane_url}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> enrol(byte[] body, @Context ContainerRequestContext request) {
        MgmtResource.requireAdmin(request);
        JsonNode agent = Json.object(body).get("agent");
        if (agent == null || !agent.isObject() || !agent.path("name").isTextual()) {
            throw ReddwarfException.badRequest("The request body must contain an 'agent' object with a 'name'.");
        }
        AgentService.Enrolment enrolment = agents.enrol(agent.get("name").asText());
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("key", enrolment.credential().privateKeyPem());
        credentials.put("certificate", enrolment.credential().certificatePem());
        credentials.put("authority", enrolment.authorityPem());
        credentials.put("control_plane_url", listener.url());
        return Map.of("agent", view(enrolment.agent()), "credentials", credentials);
    }

    @GET
    public Map<String, Object> list(@QueryParam("limit") String limit, @QueryParam("marker") String marker,
            @Context UriInfo uriInfo, @Context ContainerRequestContext request) {
        MgmtResource.requireAdmin(request);
        // agents are revoked, never removed: every marker that names one is in the list
        return Pages.page("agents", agents.list(), Pages.Order.byCreation(AgentService.AgentView::id,
                AgentService.AgentView::created, id -> Optional.empty()), AgentsResource::view, limit, marker,
                uriInfo, "an agent");
    }

    @GET
    @Path("{agent_id}")
    public Map<String, Object> show(@PathParam("agent_id") String id, @Context ContainerRequestContext request) {
        MgmtResource.requireAdmin(request);
        return Map.of("agent", view(agents.get(id)));
    }

    /** Revokes the agent: every later request it makes is refused. */
    @DELETE
    @Path("{agent_id}")
    public Response revoke(@PathParam("agent_id") String id, @Context ContainerRequestContext request) {
        MgmtResource.requireAdmin(request);
        agents.revoke(id);
        return Response.accepted().build();
    }

    /** Sends the agent an {@code agent.ping} command and answers how long the round trip took. */
    @POST
    @Path("{agent_id}/ping")
    public Map<String, Object> ping(@PathParam("agent_id") String id, @Context ContainerRequestContext request)
            throws InterruptedException {
        MgmtResource.requireAdmin(request);
        long started = System.nanoTime();
        String command = agents.submit(id, Optional.empty(), "agent.ping", Protocol.json().createObjectNode());
        Result result = agents.await(command, PING_TIMEOUT).orElseThrow(() -> new ReddwarfException(
                ErrorCode.SERVICE_UNAVAILABLE, "Agent " + id + " did not answer within " + PING_TIMEOUT.toSeconds() + " s."));
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("round_trip_ms", (System.nanoTime() - started) / 1_000_000.0);
        ping.put("agent_version", result.value() == null ? null : result.value().path("agent_version").asText(null));
        return Map.of("ping", ping);
    }

    private static Map<String, Object> view(AgentService.AgentView agent) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", agent.id());
        view.put("name", agent.name());
        view.put("created", agent.created().toString());
        view.put("revoked", agent.revoked().map(Object::toString).orElse(null));
        view.put("last_heartbeat", agent.lastHeartbeat().map(Object::toString).orElse(null));
        view.put("agent_version", agent.version().orElse(null));
        view.put("reachable", agent.reachable());
        return view;
    }
}
