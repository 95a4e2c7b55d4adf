package io.reddwarf.server.api;

import io.reddwarf.core.backup.BackupService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code /v1.0/{project_id}/instances/{instance_id}/backups}: the backups of one instance. */
@Path("/v1.0/{project_id}/instances/{instance_id}/backups")
@Produces(MediaType.APPLICATION_JSON)
public final class InstanceBackupsResource {
    private final BackupService backups;

    @Inject
    public InstanceBackupsResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @PathParam("instance_id") String instanceId,
            @jakarta.ws.rs.QueryParam("limit") String limit, @jakarta.ws.rs.QueryParam("marker") String marker,
            @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uriInfo) {
        return Pages.page("backups", backups.listOfInstance(project, instanceId), BackupsResource.order(backups, project),
                Views.BackupJson::of, limit, marker, uriInfo, "a backup of this project");
    }
}
