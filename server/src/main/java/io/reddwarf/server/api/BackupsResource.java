package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.backup.BackupService;
import io.reddwarf.core.backup.BackupView;
import io.reddwarf.core.backup.CreateBackupRequest;
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
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/** {@code /v1.0/{project_id}/backups}. */
@Path("/v1.0/{project_id}")
@Produces(MediaType.APPLICATION_JSON)
public final class BackupsResource {
    private final BackupService backups;

    @Inject
    public BackupsResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    @Path("backups")
    public Map<String, Object> list(@PathParam("project_id") String project, @QueryParam("instance_id") String instanceId,
            @QueryParam("datastore") String datastore, @QueryParam("limit") String limit,
            @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        return Pages.page("backups", backups.list(project, Optional.ofNullable(instanceId).filter(s -> !s.isEmpty()),
                Optional.ofNullable(datastore).filter(s -> !s.isEmpty())), order(backups, project),
                Views.BackupJson::of, limit, marker, uriInfo, "a backup of this project");
    }

    /** Backups oldest first; a marker may name a backup deleted since. */
    static Pages.Order<BackupView> order(BackupService backups, String project) {
        return Pages.Order.byCreation(BackupView::id, BackupView::created, id -> backups.createdAt(project, id));
    }

    /** Trove answers a backup create with 202 and the backup in NEW. */
    @POST
    @Path("backups")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("project_id") String project, byte[] body) {
        CreateBackupRequest request = parse(body);
        return Response.accepted(Map.of("backup", Views.BackupJson.of(backups.create(project, request)))).build();
    }

    @GET
    @Path("backups/{backup_id}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("backup_id") String id) {
        return Map.of("backup", Views.BackupJson.of(backups.get(project, id)));
    }

    @DELETE
    @Path("backups/{backup_id}")
    public Response delete(@PathParam("project_id") String project, @PathParam("backup_id") String id) {
        backups.delete(project, id);
        return Response.accepted().build();
    }

    static CreateBackupRequest parse(byte[] body) {
        JsonNode backup = Json.object(body).get("backup");
        if (backup == null || !backup.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'backup' object.");
        }
        String name = text(backup, "name").orElseThrow(() -> ReddwarfException.badRequest("The backup name is required."));
        String instance = text(backup, "instance")
                .orElseThrow(() -> ReddwarfException.badRequest("The backup's instance is required."));
        JsonNode incremental = backup.get("incremental");
        boolean isIncremental = false;
        if (incremental != null && !incremental.isNull()) {
            if (incremental.isBoolean()) {
                isIncremental = incremental.booleanValue();
            } else if (incremental.isIntegralNumber()) {
                isIncremental = incremental.intValue() != 0;
            } else {
                throw ReddwarfException.badRequest("The 'incremental' field must be a boolean.");
            }
        }
        return new CreateBackupRequest(name, instance, text(backup, "description"), text(backup, "parent_id"),
                isIncremental, text(backup, "swift_container").filter(c -> !c.isEmpty()));
    }

    private static Optional<String> text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ReddwarfException.badRequest("The backup's '" + field + "' must be a string.");
        }
        return Optional.of(value.textValue());
    }
}
