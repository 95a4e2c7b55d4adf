package io.reddwarf.server.api;

import io.reddwarf.core.configuration.ConfigurationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /v1.0/{project_id}/instances/{id}/configuration}: the values the instance runs with. */
@Path("/v1.0/{project_id}/instances/{instance_id}/configuration")
@Produces(MediaType.APPLICATION_JSON)
public final class InstanceConfigurationResource {
    private final ConfigurationService configurations;

    @Inject
    public InstanceConfigurationResource(ConfigurationService configurations) {
        this.configurations = configurations;
    }

    @GET
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("instance_id") String id) {
        return Map.of("instance", Map.of("configuration", configurations.effective(project, id)));
    }
}
