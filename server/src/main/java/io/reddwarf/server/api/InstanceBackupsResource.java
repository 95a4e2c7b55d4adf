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
    public Map<String, Object> list(@PathParam("project_id") String project, @PathParam("instance_id") String instanceId) {
        return Map.of("backups", backups.listOfInstance(project, instanceId).stream().map(Views.BackupJson::of).toList());
    }
}
