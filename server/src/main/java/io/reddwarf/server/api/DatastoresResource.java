package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.DatastoreCatalog;
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

/** {@code /v1.0/{project_id}/datastores}: datastores and versions, addressed by name or id. */
@Path("/v1.0/{project_id}/datastores")
@Produces(MediaType.APPLICATION_JSON)
public final class DatastoresResource {
    private final DatastoreCatalog datastores;
    private final FlavorCatalog flavors;

    @Inject
    public DatastoresResource(DatastoreCatalog datastores, FlavorCatalog flavors) {
        this.datastores = datastores;
        this.flavors = flavors;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @Context UriInfo uriInfo) {
        Links links = new Links(uriInfo, project);
        return Map.of("datastores", datastores.list().stream().map(d -> Views.DatastoreJson.of(d, links)).toList());
    }

    @GET
    @Path("{datastore}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("datastore") String datastore,
            @Context UriInfo uriInfo) {
        return Map.of("datastore", Views.DatastoreJson.of(datastores.get(datastore), new Links(uriInfo, project)));
    }

    @GET
    @Path("{datastore}/versions")
    public Map<String, Object> versions(@PathParam("project_id") String project,
            @PathParam("datastore") String datastore, @Context UriInfo uriInfo) {
        Links links = new Links(uriInfo, project);
        return Map.of("versions", datastores.get(datastore).versions().stream()
                .map(v -> Views.DatastoreVersionJson.of(v, links))
                .toList());
    }

    @GET
    @Path("{datastore}/versions/{version}")
    public Map<String, Object> version(@PathParam("project_id") String project,
            @PathParam("datastore") String datastore, @PathParam("version") String version,
            @Context UriInfo uriInfo) {
        return Map.of("version", Views.DatastoreVersionJson.of(datastores.version(datastore, version),
                new Links(uriInfo, project)));
    }

    /** Trove's lookup of a version by its id alone (used by the bookmark links). */
    @GET
    @Path("versions/{version_id}")
    public Map<String, Object> versionById(@PathParam("project_id") String project,
            @PathParam("version_id") String versionId, @Context UriInfo uriInfo) {
        return datastores.list().stream()
                .flatMap(d -> d.versions().stream())
                .filter(v -> v.id().equals(versionId))
                .findFirst()
                .map(v -> Map.<String, Object>of("version", Views.DatastoreVersionJson.of(v, new Links(uriInfo, project))))
                .orElseThrow(() -> ReddwarfException.notFound("Datastore version " + versionId + " could not be found."));
    }

    /** The flavors an instance of this version may use: all of them in local mode. */
    @GET
    @Path("{datastore}/versions/{version}/flavors")
    public Map<String, Object> versionFlavors(@PathParam("project_id") String project,
            @PathParam("datastore") String datastore, @PathParam("version") String version,
            @Context UriInfo uriInfo) {
        datastores.version(datastore, version);
        Links links = new Links(uriInfo, project);
        return Map.of("flavors", flavors.list().stream().map(f -> Views.FlavorJson.of(f, links)).toList());
    }
}
