package io.reddwarf.server.api;

import io.reddwarf.core.configuration.ApplyPlan;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.configuration.ConfigurationView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;

/**
 * {@code /v1.0/{project_id}/configurations}: configuration groups. Create answers 200 with the group,
 * PUT 202, PATCH 200, DELETE 202, as Trove. {@code ?dry_run=true} on PUT and PATCH answers 200 with
 * the plan and changes nothing.
 */
@Path("/v1.0/{project_id}/configurations")
@Produces(MediaType.APPLICATION_JSON)
public final class ConfigurationsResource {
    private final ConfigurationService configurations;

    @Inject
    public ConfigurationsResource(ConfigurationService configurations) {
        this.configurations = configurations;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @QueryParam("limit") String limit,
            @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        return Pages.page("configurations", configurations.list(project), Pages.Order.byCreation(ConfigurationView::id,
                ConfigurationView::created, id -> configurations.createdAt(project, id)),
                ConfigurationViews.Summary::of, limit, marker, uriInfo, "a configuration group of this project");
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> create(@PathParam("project_id") String project, byte[] body) {
        return Map.of("configuration", ConfigurationViews.Detail.of(
                configurations.create(project, ConfigurationParser.create(body))));
    }

    @GET
    @Path("{id}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("id") String id) {
        return Map.of("configuration", ConfigurationViews.Detail.of(configurations.get(project, id)));
    }

    @GET
    @Path("{id}/instances")
    public Map<String, Object> instances(@PathParam("project_id") String project, @PathParam("id") String id,
            @QueryParam("limit") String limit, @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        // by id, as Trove lists them: a marker keeps its place once its instance is detached or deleted
        return Pages.page("instances", configurations.instances(project, id), Pages.Order.byName(Map.Entry::getKey),
                e -> new ConfigurationViews.InstanceRef(e.getKey(), e.getValue()), limit, marker, uriInfo,
                "an instance of this group");
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("project_id") String project, @PathParam("id") String id,
            @QueryParam("dry_run") String dryRun, byte[] body) {
        return change(project, id, dryRun, body, true, Response.Status.ACCEPTED);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response edit(@PathParam("project_id") String project, @PathParam("id") String id,
            @QueryParam("dry_run") String dryRun, byte[] body) {
        return change(project, id, dryRun, body, false, Response.Status.OK);
    }

    private Response change(String project, String id, String dryRun, byte[] body, boolean replace,
            Response.Status status) {
        boolean dry = DryRun.of(dryRun);
        ApplyPlan plan = configurations.update(project, id, ConfigurationParser.update(body, replace), dry);
        return dry ? Response.ok(ConfigurationViews.Plan.of(plan)).build() : Response.status(status).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("project_id") String project, @PathParam("id") String id) {
        configurations.delete(project, id);
        return Response.accepted().build();
    }
}
