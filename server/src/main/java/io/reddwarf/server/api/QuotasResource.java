package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.quota.QuotaResource;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.server.auth.TokenAuthenticator;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1.0/{project_id}/mgmt/quotas/{tenant}}: a project may read its own quotas; administrators
 * read and set any existing project's (404 for a project that does not exist).
 */
@Path("/v1.0/{project_id}/mgmt/quotas/{tenant}")
@Produces(MediaType.APPLICATION_JSON)
public final class QuotasResource {
    private final QuotaService quotas;
    private final TokenAuthenticator projects;

    @Inject
    public QuotasResource(QuotaService quotas, TokenAuthenticator projects) {
        this.quotas = quotas;
        this.projects = projects;
    }

    /** {@code {"quotas": [{"resource", "in_use", "reserved", "limit"}]}}. */
    @GET
    public Map<String, Object> show(@PathParam("tenant") String tenant, @Context ContainerRequestContext request) {
        var caller = RootResource.principal(request);
        if (!caller.isAdmin() && !caller.projectId().equals(tenant)) {
            throw ReddwarfException.forbidden(MgmtResource.ADMIN_ONLY_MESSAGE);
        }
        MgmtResource.requireProject(projects, tenant);
        return Map.of("quotas", quotas.show(tenant).stream().map(Views.QuotaJson::of).toList());
    }

    /** {@code {"quotas": {"instances": 5, ...}}} (numbers or strings of digits); answers every limit. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> update(@PathParam("tenant") String tenant, byte[] body,
            @Context ContainerRequestContext request) {
        MgmtResource.requireAdmin(request);
        MgmtResource.requireProject(projects, tenant);
        JsonNode given = Json.object(body).get("quotas");
        if (given == null || !given.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'quotas' object.");
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            String text = value.isIntegralNumber() || value.isTextual() ? value.asText() : "";
            if (!text.matches("-?[0-9]{1,9}")) {
                throw ReddwarfException.badRequest("The quota for '" + field.getKey() + "' must be an integer.");
            }
            limits.put(field.getKey(), Integer.parseInt(text));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<QuotaResource, Integer> limit : quotas.update(tenant, limits).entrySet()) {
            result.put(limit.getKey().troveName(), limit.getValue());
        }
        return Map.of("quotas", result);
    }
}
