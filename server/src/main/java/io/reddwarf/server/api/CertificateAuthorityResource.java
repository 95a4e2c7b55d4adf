package io.reddwarf.server.api;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * {@code GET /v1.0/{project_id}/certificate_authority}, a Reddwarf extension: the certificate of the
 * deployment's authority, which signs every instance's TLS certificate, so that clients can verify
 * the instance they connect to ({@code mariadb --ssl-verify-server-cert --ssl-ca=ca.pem}). It is
 * public; the route needs a token like every other.
 */
@Path("/v1.0/{project_id}/certificate_authority")
@Produces(MediaType.APPLICATION_JSON)
public final class CertificateAuthorityResource {
    /** The authority's certificate, PEM. */
    public record Authority(String certificatePem) {
        public Authority {
            requireNonNull(certificatePem, "certificatePem is null");
        }
    }

    private final Authority authority;

    @Inject
    public CertificateAuthorityResource(Authority authority) {
        this.authority = authority;
    }

    @GET
    public Map<String, Object> show() {
        return Map.of("certificate_authority", Map.of("certificate", authority.certificatePem(), "format", "PEM"));
    }
}
