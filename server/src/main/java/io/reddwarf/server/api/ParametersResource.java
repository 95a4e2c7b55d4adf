package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.configuration.ConfigurationService;
import io.reddwarf.core.configuration.ConfigurationService.VersionParameter;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * The parameters a datastore version lets configuration groups set:
 * {@code /datastores/{datastore}/versions/{version}/parameters[/{name}]} (names or ids) and
 * {@code /datastores/versions/{version_id}/parameters[/{name}]}. One parameter is answered as a bare
 * object, as Trove does.
 */
public final class ParametersResource {
    private ParametersResource() {
    }

    static ConfigurationViews.Parameter find(List<VersionParameter> parameters, String name) {
        return parameters.stream()
                .filter(p -> p.parameter().name().equals(name))
                .findFirst()
                .map(ConfigurationViews.Parameter::of)
                .orElseThrow(() -> ReddwarfException.notFound(name + " is not a supported configuration parameter."));
    }

    static Map<String, Object> list(List<VersionParameter> parameters) {
        return Map.of("configuration-parameters", parameters.stream().map(ConfigurationViews.Parameter::of).toList());
    }

    /** By datastore and version, each a name or an id. */
    @Path("/v1.0/{project_id}/datastores/{datastore}/versions/{version}/parameters")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class ByDatastore {
        private final ConfigurationService configurations;

        @Inject
        public ByDatastore(ConfigurationService configurations) {
            this.configurations = configurations;
        }

        @GET
        public Map<String, Object> list(@PathParam("datastore") String datastore, @PathParam("version") String version) {
            return ParametersResource.list(configurations.parameters(datastore, version));
        }

        @GET
        @Path("{name}")
        public ConfigurationViews.Parameter show(@PathParam("datastore") String datastore,
                @PathParam("version") String version, @PathParam("name") String name) {
            return find(configurations.parameters(datastore, version), name);
        }
    }

    /** By the version's id alone. */
    @Path("/v1.0/{project_id}/datastores/versions/{version_id}/parameters")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class ByVersionId {
        private final ConfigurationService configurations;

        @Inject
        public ByVersionId(ConfigurationService configurations) {
            this.configurations = configurations;
        }

        @GET
        public Map<String, Object> list(@PathParam("version_id") String versionId) {
            return ParametersResource.list(configurations.parametersByVersionId(versionId));
        }

        @GET
        @Path("{name}")
        public ConfigurationViews.Parameter show(@PathParam("version_id") String versionId,
                @PathParam("name") String name) {
            return find(configurations.parametersByVersionId(versionId), name);
        }
    }
}
