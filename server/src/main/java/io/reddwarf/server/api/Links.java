package io.reddwarf.server.api;

import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * Builds Trove's {@code self} and {@code bookmark} links from the request's own scheme, host and
 * port (Trove hard-codes https; a client behind a proxy gets the address it used).
 */
final class Links {
    private final String base;
    private final String project;

    Links(UriInfo uriInfo, String project) {
        this.base = uriInfo.getBaseUri().toString().replaceAll("/+$", "");
        this.project = project;
    }

    /** {@code self} is {@code <base>/v1.0/<project>/<path>}, {@code bookmark} is {@code <base>/<path>}. */
    List<Views.Link> of(String path) {
        return List.of(new Views.Link(base + "/v1.0/" + project + "/" + path, "self"),
                new Views.Link(base + "/" + path, "bookmark"));
    }

    String base() {
        return base;
    }
}
