package io.reddwarf.server.auth;

import java.util.Optional;

/**
 * Resolves the value of an {@code X-Auth-Token} header and knows which projects exist. The embedded
 * default is {@link CredentialsFile} over {@link LocalCredentials}; a Keystone-backed implementation
 * asks Keystone. Both methods are called from many threads at once.
 */
public interface TokenAuthenticator {

    /** The token's principal, or empty when the token is unknown or expired. Called once per request. */
    Optional<Principal> authenticate(String token);

    /**
     * Whether a project with this id exists. Called by routes that name a project other than the
     * caller's (an administrator setting another project's quotas), never for the caller's own.
     */
    boolean projectExists(String projectId);
}
