package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.instance.InstanceUpdate;
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
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import io.reddwarf.core.instance.InstanceView;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1.0/{project_id}/instances}. */
@Path("/v1.0/{project_id}/instances")
@Produces(MediaType.APPLICATION_JSON)
public final class InstancesResource {
    /** Actions Trove defines that this server does not implement yet (501 rather than 400). */
    static final Set<String> UNIMPLEMENTED_ACTIONS = Set.of(
            "promote_to_replica_source", "eject_replica_source", "stop", "migrate");

    private final InstanceService instances;

    @Inject
    public InstancesResource(InstanceService instances) {
        this.instances = instances;
    }

    /**
     * The project's instances, oldest first, a page at a time ({@link Pages}): the marker is the last
     * id shown, and may name an instance deleted since.
     */
    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @QueryParam("limit") String limit,
            @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        Links links = new Links(uriInfo, project);
        return Pages.page("instances", instances.list(project), Pages.Order.byCreation(InstanceView::id,
                InstanceView::created, id -> instances.createdAt(java.util.Optional.of(project), id)),
                i -> Views.InstanceJson.of(i, links), limit, marker, uriInfo, "an instance of this project");
    }

    @GET
    @Path("detail")
    public Map<String, Object> detail(@PathParam("project_id") String project, @QueryParam("limit") String limit,
            @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        return list(project, limit, marker, uriInfo);
    }

    /** Trove answers a create with 200 and the instance in BUILD. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> create(@PathParam("project_id") String project, byte[] body, @Context UriInfo uriInfo) {
        var request = CreateInstanceParser.parse(body);
        return Map.of("instance", Views.InstanceJson.of(instances.create(project, request), new Links(uriInfo, project)));
    }

    @GET
    @Path("{instance_id}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @Context UriInfo uriInfo) {
        return Map.of("instance", Views.InstanceJson.of(instances.get(project, id), new Links(uriInfo, project)));
    }

    @DELETE
    @Path("{instance_id}")
    public Response delete(@PathParam("project_id") String project, @PathParam("instance_id") String id) {
        instances.delete(project, id);
        return Response.accepted().build();
    }

    /**
     * {@code {"instance": {"name": ..., "configuration": id | null}}}: 202; with {@code ?dry_run=true}
     * 200 and the plan of the configuration change, nothing changed.
     */
    @PUT
    @Path("{instance_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @QueryParam("dry_run") String dryRun, byte[] body) {
        InstanceUpdate update = InstanceUpdateParser.parse(body, DryRun.of(dryRun));
        var plan = instances.update(project, id, update);
        return update.dryRun() && plan.isPresent()
                ? Response.ok(ConfigurationViews.Plan.of(plan.get())).build()
                : Response.accepted().build();
    }

    /** The same as {@code PUT}. */
    @PATCH
    @Path("{instance_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response patch(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @QueryParam("dry_run") String dryRun, byte[] body) {
        return update(project, id, dryRun, body);
    }

    /**
     * {@code {"restart": {}}}, {@code {"reset_status": {}}} (administrators), {@code {"resize":
     * {"volume": {"size": N}}}} (grow only) or {@code {"resize": {"flavorRef": id}}}; other Trove actions answer 501, unknown ones 400.
     */
    @POST
    @Path("{instance_id}/action")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response action(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            byte[] body, @Context ContainerRequestContext request) {
        JsonNode root = Json.object(body);
        Iterator<String> names = root.fieldNames();
        if (root.size() != 1) {
            throw ReddwarfException.badRequest("The request body must name exactly one action.");
        }
        String action = names.next();
        switch (action) {
            case "reset_status" -> {
                MgmtResource.requireAdmin(request);
                instances.resetStatus(project, id);
            }
            case "resize" -> resize(project, id, root.get(action));
            case "restart" -> {
                if (!root.get(action).isObject()) {
                    throw ReddwarfException.badRequest("The 'restart' action takes an empty object: {\"restart\": {}}.");
                }
                instances.restart(project, id);
            }
            default -> {
                if (UNIMPLEMENTED_ACTIONS.contains(action)) {
                    throw new ReddwarfException(ErrorCode.NOT_IMPLEMENTED,
                            "The '" + action + "' action is not implemented.");
                }
                throw ReddwarfException.badRequest("Invalid instance action: '" + action + "'.");
            }
        }
        return Response.accepted().build();
    }

    private void resize(String project, String id, JsonNode resize) {
        if (resize == null || !resize.isObject()) {
            throw ReddwarfException.badRequest("The 'resize' action takes an object with a volume or a flavorRef.");
        }
        if (resize.has("flavorRef")) {
            JsonNode flavor = resize.get("flavorRef");
            if (!(flavor.isTextual() && !flavor.textValue().isEmpty()) && !flavor.isIntegralNumber()) {
                throw ReddwarfException.badRequest("The flavorRef must be a flavor id.");
            }
            instances.resizeFlavor(project, id, flavor.asText());
            return;
        }
        JsonNode volume = resize.get("volume");
        if (volume == null || !volume.isObject() || volume.get("size") == null) {
            throw ReddwarfException.badRequest("The 'resize' action takes {\"volume\": {\"size\": N}}.");
        }
        JsonNode size = volume.get("size");
        String text = size.isIntegralNumber() || size.isTextual() ? size.asText() : "";
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) == 0) {
            throw ReddwarfException.badRequest("The volume size must be a positive integer.");
        }
        instances.resizeVolume(project, id, Integer.parseInt(text));
    }
}
