package io.reddwarf.server.api;

import io.reddwarf.core.catalog.FlavorCatalog;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;

/** {@code /v1.0/{project_id}/flavors}. */
@Path("/v1.0/{project_id}/flavors")
@Produces(MediaType.APPLICATION_JSON)
public final class FlavorsResource {
    private final FlavorCatalog flavors;

    @Inject
    public FlavorsResource(FlavorCatalog flavors) {
        this.flavors = flavors;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @Context UriInfo uriInfo) {
        Links links = new Links(uriInfo, project);
        return Map.of("flavors", flavors.list().stream().map(f -> Views.FlavorJson.of(f, links)).toList());
    }

    @GET
    @Path("{flavor_id}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("flavor_id") String id,
            @Context UriInfo uriInfo) {
        return Map.of("flavor", Views.FlavorJson.of(flavors.get(id), new Links(uriInfo, project)));
    }
}
