package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.account.AccountService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code /v1.0/{project_id}/mgmt/...}: administrators only (403 for other tokens). */
@Path("/v1.0/{project_id}/mgmt")
@Produces(MediaType.APPLICATION_JSON)
public final class MgmtResource {
    static final String ADMIN_ONLY_MESSAGE = "This operation is reserved for administrators.";

    private final AccountService accounts;

    @Inject
    public MgmtResource(AccountService accounts) {
        this.accounts = accounts;
    }

    /** {@code {"root_history": {"id", "enabled", "user", "history": [{"enabled", "user"}]}}} of any project's instance. */
    @GET
    @Path("instances/{instance_id}/root")
    public Map<String, Object> rootHistory(@PathParam("instance_id") String id, @Context ContainerRequestContext request) {
        requireAdmin(request);
        return Map.of("root_history", Views.RootHistoryJson.of(id, accounts.rootHistory(id)));
    }

    static void requireAdmin(ContainerRequestContext request) {
        if (!RootResource.principal(request).isAdmin()) {
            throw ReddwarfException.forbidden(ADMIN_ONLY_MESSAGE);
        }
    }
}
