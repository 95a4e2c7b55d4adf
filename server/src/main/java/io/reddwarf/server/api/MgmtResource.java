package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.instance.ManagedInstance;
import io.reddwarf.server.auth.TokenAuthenticator;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code /v1.0/{project_id}/mgmt/...}: administrators only (403 for other tokens). */
@Path("/v1.0/{project_id}/mgmt")
@Produces(MediaType.APPLICATION_JSON)
public final class MgmtResource {
    static final String ADMIN_ONLY_MESSAGE = "This operation is reserved for administrators.";

    private final AccountService accounts;
    private final InstanceService instances;

    @Inject
    public MgmtResource(AccountService accounts, InstanceService instances) {
        this.accounts = accounts;
        this.instances = instances;
    }

    /**
     * Every project's instances ({@code project_id} narrows to one), pageable; {@code deleted=true}
     * lists only deleted ones, {@code deleted=false} only live ones, no {@code deleted} both.
     */
    @GET
    @Path("instances")
    public Map<String, Object> instances(@QueryParam("deleted") String deleted,
            @QueryParam("project_id") String projectId, @QueryParam("limit") String limit,
            @QueryParam("marker") String marker, @Context UriInfo uriInfo, @Context ContainerRequestContext request) {
        requireAdmin(request);
        Optional<Boolean> deletedFilter = Optional.ofNullable(deleted).filter(d -> !d.isEmpty()).map(d -> switch (
                d.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ReddwarfException.badRequest("The 'deleted' filter must be true or false.");
        });
        List<ManagedInstance> all = instances.listAll(deletedFilter,
                Optional.ofNullable(projectId).filter(p -> !p.isEmpty()));
        return Pages.page("instances", all, Pages.Order.byCreation(m -> m.instance().id(), m -> m.instance().created(),
                id -> instances.createdAt(Optional.empty(), id)), m -> Views.managed(m, uriInfo), limit, marker,
                uriInfo, "an instance");
    }

    /** Any project's instance, deleted ones too, with {@code deleted} and {@code deleted_at}. */
    @GET
    @Path("instances/{instance_id}")
    public Map<String, Object> instance(@PathParam("instance_id") String id, @Context UriInfo uriInfo,
            @Context ContainerRequestContext request) {
        requireAdmin(request);
        return Map.of("instance", Views.managed(instances.getAny(id), uriInfo));
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

    /** For a route that names another project than the caller's: 404 unless that project exists. */
    static void requireProject(TokenAuthenticator projects, String projectId) {
        if (!projects.projectExists(projectId)) {
            throw ReddwarfException.notFound("Project " + projectId + " cannot be found.");
        }
    }
}
