package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.server.auth.AuthFilter;
import io.reddwarf.server.auth.Principal;
import io.reddwarf.spi.Secret;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/** {@code /v1.0/{project_id}/instances/{instance_id}/root}: the superuser account. */
@Path("/v1.0/{project_id}/instances/{instance_id}/root")
@Produces(MediaType.APPLICATION_JSON)
public final class RootResource {
    static final String ROOT_USER = "root";

    private final AccountService accounts;

    @Inject
    public RootResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @GET
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("instance_id") String id) {
        return Map.of("rootEnabled", accounts.isRootEnabled(project, id));
    }

    /** No body (or {@code {}}) for a generated password, {@code {"password": "..."}} for a given one. */
    @POST
    public Map<String, Object> enable(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            byte[] body, @Context ContainerRequestContext request) {
        Optional<Secret> password = Optional.empty();
        if (body != null && body.length > 0) {
            JsonNode root = Json.object(body);
            password = CreateInstanceParser.optionalText(root, "password").map(Secret::new);
        }
        Secret secret = accounts.enableRoot(project, id, password, principal(request).projectId());
        return Map.of("user", Map.of("name", ROOT_USER, "password", secret.value()));
    }

    @DELETE
    public Response disable(@PathParam("project_id") String project, @PathParam("instance_id") String id) {
        accounts.disableRoot(project, id);
        return Response.noContent().build();
    }

    static Principal principal(ContainerRequestContext request) {
        Object principal = request.getProperty(AuthFilter.PRINCIPAL_PROPERTY);
        if (!(principal instanceof Principal p)) {
            throw ReddwarfException.forbidden("The token does not grant access to this project.");
        }
        return p;
    }
}
