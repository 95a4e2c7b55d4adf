package io.reddwarf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.server.auth.AuthFilter;
import io.reddwarf.server.auth.Principal;
import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.ConfigRenderer.Parameter;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1.0/{project_id}/mgmt/datastores/versions/{version_id}/parameters}: administrators narrow,
 * remove and restore the parameters a datastore version offers (403 for other tokens). The body is
 * Trove's {@code {"configuration-parameter": {"name", "data_type", "min_size", "max_size",
 * "restart_required"}}}; create and update answer 200 with the parameter, delete 204.
 */
@Path("/v1.0/{project_id}/mgmt/datastores/versions/{version_id}/parameters")
@Produces(MediaType.APPLICATION_JSON)
public final class MgmtParametersResource {
    static final String ADMIN_ONLY_MESSAGE = "This operation is reserved for administrators.";

    private final ConfigurationService configurations;

    @Inject
    public MgmtParametersResource(ConfigurationService configurations) {
        this.configurations = configurations;
    }

    @GET
    public Map<String, Object> list(@PathParam("version_id") String versionId, @Context ContainerRequestContext request) {
        requireAdmin(request);
        return ParametersResource.list(configurations.parametersByVersionId(versionId));
    }

    @GET
    @Path("{name}")
    public ConfigurationViews.Parameter show(@PathParam("version_id") String versionId,
            @PathParam("name") String name, @Context ContainerRequestContext request) {
        requireAdmin(request);
        return ParametersResource.find(configurations.parametersByVersionId(versionId), name);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public ConfigurationViews.Parameter create(@PathParam("version_id") String versionId, byte[] body,
            @Context ContainerRequestContext request) {
        requireAdmin(request);
        return ConfigurationViews.Parameter.of(configurations.addParameter(versionId, parse(body, null)));
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ConfigurationViews.Parameter update(@PathParam("version_id") String versionId,
            @PathParam("name") String name, byte[] body, @Context ContainerRequestContext request) {
        requireAdmin(request);
        return ConfigurationViews.Parameter.of(configurations.updateParameter(versionId, parse(body, name)));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("version_id") String versionId, @PathParam("name") String name,
            @Context ContainerRequestContext request) {
        requireAdmin(request);
        configurations.removeParameter(versionId, name);
        return Response.noContent().build();
    }

    private static void requireAdmin(ContainerRequestContext request) {
        Object principal = request.getProperty(AuthFilter.PRINCIPAL_PROPERTY);
        if (!(principal instanceof Principal p) || !p.isAdmin()) {
            throw ReddwarfException.forbidden(ADMIN_ONLY_MESSAGE);
        }
    }

    /** The rule of the body; on update the name comes from the URL. Messages as Trove's. */
    static Parameter parse(byte[] body, String nameFromUrl) {
        JsonNode root = Json.object(body);
        JsonNode p = root.get("configuration-parameter");
        if (p == null || !p.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'configuration-parameter' object.");
        }
        String name = nameFromUrl;
        if (name == null) {
            JsonNode n = p.get("name");
            if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
                throw ReddwarfException.badRequest("Required element/key - name was not specified.");
            }
            name = n.textValue();
        }
        JsonNode typeNode = p.get("data_type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw ReddwarfException.badRequest("Required element/key - data_type was not specified.");
        }
        ConfigRenderer.Type type;
        try {
            type = ConfigRenderer.Type.valueOf(typeNode.textValue().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ReddwarfException.badRequest("The data_type must be integer, string, boolean or float.");
        }
        JsonNode restart = p.get("restart_required");
        if (restart == null || !(restart.isBoolean() || restart.isIntegralNumber())) {
            throw ReddwarfException.badRequest("Required element/key - restart_required was not specified.");
        }
        Optional<BigInteger> min = bound(p.get("min_size"));
        Optional<BigInteger> max = bound(p.get("max_size"));
        if (type == ConfigRenderer.Type.INTEGER && max.isEmpty()) {
            throw ReddwarfException.badRequest("max_size is required for integer data type.");
        }
        if (type == ConfigRenderer.Type.INTEGER && min.isEmpty()) {
            throw ReddwarfException.badRequest("min_size is required for integer data type.");
        }
        if (min.isPresent() && max.isPresent() && max.get().compareTo(min.get()) < 0) {
            throw ReddwarfException.badRequest("max_size must be greater than or equal to min_size.");
        }
        boolean restartRequired = restart.isBoolean() ? restart.booleanValue() : restart.intValue() != 0;
        return new Parameter(name, type, min, max, restartRequired);
    }

    private static Optional<BigInteger> bound(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return Optional.of(node.bigIntegerValue());
        }
        if (node.isTextual() && node.textValue().matches("-?[0-9]{1,40}")) {
            return Optional.of(new BigInteger(node.textValue()));
        }
        throw ReddwarfException.badRequest("min_size and max_size must be integers.");
    }
}
