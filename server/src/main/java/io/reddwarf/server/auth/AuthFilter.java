package io.reddwarf.server.auth;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.server.api.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates every request except the version documents: {@code X-Auth-Token} must resolve to a
 * principal (else 401), and a {@code /v1.0/{project_id}/...} URL must name the token's project
 * unless the token has the admin role (else 403). Runs before routing so that unknown URLs are not
 * revealed to anonymous callers.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter {
    public static final String TOKEN_HEADER = "X-Auth-Token";
    public static final String PRINCIPAL_PROPERTY = "io.reddwarf.server.principal";

    static final String UNAUTHORIZED_MESSAGE = "This server could not verify that you are authorized to access "
            + "the document you requested.";

    static final String FORBIDDEN_MESSAGE = "The token does not grant access to this project.";

    private final TokenAuthenticator authenticator;

    public AuthFilter(TokenAuthenticator authenticator) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> segments = request.getUriInfo().getPathSegments().stream()
                .map(s -> s.getPath())
                .filter(s -> !s.isEmpty())
                .toList();
        if (isVersionDocument(segments)) {
            return;
        }
        Optional<Principal> principal = authenticator.authenticate(request.getHeaderString(TOKEN_HEADER));
        if (principal.isEmpty()) {
            request.abortWith(ErrorResponses.of(ErrorCode.UNAUTHORIZED, UNAUTHORIZED_MESSAGE));
            return;
        }
        if (segments.size() >= 2 && segments.getFirst().equals("v1.0")
                && !principal.get().mayAccess(segments.get(1))) {
            request.abortWith(ErrorResponses.of(ErrorCode.FORBIDDEN, FORBIDDEN_MESSAGE));
            return;
        }
        request.setProperty(PRINCIPAL_PROPERTY, principal.get());
    }

    private static boolean isVersionDocument(List<String> segments) {
        return segments.isEmpty() || segments.size() == 1 && segments.getFirst().equals("v1.0");
    }
}
