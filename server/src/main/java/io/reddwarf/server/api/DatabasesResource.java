package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.spi.DatabaseSpec;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;

/** {@code /v1.0/{project_id}/instances/{instance_id}/databases}. */
@Path("/v1.0/{project_id}/instances/{instance_id}/databases")
@Produces(MediaType.APPLICATION_JSON)
public final class DatabasesResource {
    /** The most entries one request may carry. */
    static final int MAX_PER_REQUEST = 100;

    private final AccountService accounts;

    @Inject
    public DatabasesResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @QueryParam("limit") String limit, @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        return Pages.page("databases", accounts.listDatabases(project, id), Pages.Order.byName(DatabaseSpec::name),
                Views.DatabaseJson::of, limit, marker, uriInfo, "a database of this instance");
    }

    /** {@code {"databases": [{"name", "character_set", "collate"}]}}: 202 once created. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("project_id") String project, @PathParam("instance_id") String id, byte[] body) {
        JsonNode databases = requiredList(Json.object(body), "databases");
        accounts.createDatabases(project, id, CreateInstanceParser.databases(databases));
        return Response.accepted().build();
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("name") String name) {
        accounts.deleteDatabase(project, id, name);
        return Response.accepted().build();
    }

    /** The list under {@code key}: present, a list, not empty and at most {@link #MAX_PER_REQUEST} long. */
    static JsonNode requiredList(JsonNode root, String key) {
        JsonNode list = root.get(key);
        if (list == null || list.isNull()) {
            throw ReddwarfException.badRequest("The request body must contain a '" + key + "' list.");
        }
        if (!list.isArray()) {
            throw ReddwarfException.badRequest("'" + key + "' must be a list.");
        }
        if (list.isEmpty()) {
            throw ReddwarfException.badRequest("'" + key + "' must not be empty.");
        }
        if (list.size() > MAX_PER_REQUEST) {
            throw ReddwarfException.badRequest("'" + key + "' may hold at most " + MAX_PER_REQUEST + " entries.");
        }
        return list;
    }
}
