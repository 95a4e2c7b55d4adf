package io.reddwarf.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;

/** The version documents, readable without a token. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class VersionsResource {
    static final String UPDATED = "2012-08-01T00:00:00Z";

    @GET
    public Map<String, Object> versions(@Context UriInfo uriInfo) {
        return Map.of("versions", List.of(current(uriInfo)));
    }

    @GET
    @Path("v1.0")
    public Map<String, Object> version(@Context UriInfo uriInfo) {
        return Map.of("version", current(uriInfo));
    }

    private static Views.ApiVersion current(UriInfo uriInfo) {
        String base = uriInfo.getBaseUri().toString().replaceAll("/+$", "");
        return new Views.ApiVersion("v1.0", "CURRENT", UPDATED, List.of(new Views.Link(base + "/v1.0/", "self")));
    }
}
