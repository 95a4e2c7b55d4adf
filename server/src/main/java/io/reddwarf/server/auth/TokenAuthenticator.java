package io.reddwarf.server.auth;

import java.util.Optional;

/**
 * Resolves the value of an {@code X-Auth-Token} header. The embedded default is
 * {@link LocalCredentials}; a Keystone-backed implementation validates tokens remotely.
 * Called once per request, from many threads.
 */
public interface TokenAuthenticator {

    /** The token's principal, or empty when the token is unknown or expired. */
    Optional<Principal> authenticate(String token);
}
