package io.reddwarf.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.backup.BackupStrategyService;
import io.reddwarf.core.backup.BackupStrategySetting;
import io.reddwarf.server.auth.TokenAuthenticator;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1.0/{project_id}/backup_strategies}: where (container) and how (strategy) a project's
 * backups are taken, for the whole project or one instance. Only administrators may name another
 * project with {@code project_id}, and only one that exists (else 404).
 */
@Path("/v1.0/{project_id}/backup_strategies")
@Produces(MediaType.APPLICATION_JSON)
public final class BackupStrategiesResource {
    static final String BACKEND = "filesystem";
    private final BackupStrategyService settings;
    private final TokenAuthenticator projects;

    @Inject
    public BackupStrategiesResource(BackupStrategyService settings, TokenAuthenticator projects) {
        this.settings = settings;
        this.projects = projects;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @QueryParam("instance_id") String instanceId,
            @QueryParam("project_id") String target, @Context ContainerRequestContext request) {
        return Map.of("backup_strategies", settings.list(target(project, target, request), present(instanceId))
                .stream().map(StrategyJson::of).toList());
    }

    /** Trove answers 202 with the setting: {@code backend}, {@code project_id}, {@code instance_id}, {@code swift_container}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("project_id") String project, byte[] body,
            @Context ContainerRequestContext request) {
        JsonNode given = Json.object(body).get("backup_strategy");
        if (given == null || !given.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'backup_strategy' object.");
        }
        String target = target(project, text(given, "project_id").orElse(null), request);
        BackupStrategySetting setting = settings.put(target, text(given, "instance_id"),
                text(given, "swift_container"), text(given, "strategy"));
        return Response.accepted(Map.of("backup_strategy", StrategyJson.of(setting))).build();
    }

    @DELETE
    public Response delete(@PathParam("project_id") String project, @QueryParam("instance_id") String instanceId,
            @QueryParam("project_id") String target, @Context ContainerRequestContext request) {
        settings.delete(target(project, target, request), present(instanceId));
        return Response.accepted().build();
    }

    private String target(String project, String requested, ContainerRequestContext request) {
        if (requested == null || requested.isEmpty() || requested.equals(project)) {
            return project;
        }
        MgmtResource.requireAdmin(request);
        MgmtResource.requireProject(projects, requested);
        return requested;
    }

    private static Optional<String> present(String value) {
        return Optional.ofNullable(value).filter(s -> !s.isEmpty());
    }

    private static Optional<String> text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ReddwarfException.badRequest("The backup strategy's '" + field + "' must be a string.");
        }
        return present(value.textValue());
    }

    /** A setting as Trove shows it ({@code instance_id} is empty for the project's own), plus our {@code strategy}. */
    record StrategyJson(
            String backend,
            @JsonProperty("project_id") String projectId,
            @JsonProperty("instance_id") String instanceId,
            @JsonProperty("swift_container") String swiftContainer,
            String strategy) {
        static StrategyJson of(BackupStrategySetting s) {
            return new StrategyJson(BACKEND, s.projectId(), s.instanceId().orElse(""), s.container().orElse(""),
                    s.strategy().orElse(null));
        }
    }
}
