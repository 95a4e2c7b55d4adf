package io.reddwarf.agent;

import io.reddwarf.agent.protocol.Command;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS key pair each poll for commands offers (its public half): the control plane certifies it
 * for the first preparation it delivers in answer, so that preparation needs no certificate
 * request of its own. The pair lives in this process's memory only until a preparation installs
 * it; a pair whose certificate was lost with a restart is simply never used.
 */
final class OfferedKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPair offered;
    private String offeredText;
    /** Pairs the control plane certified, by the id of the preparation that carries the certificate. */
    private final Map<String, KeyPair> certified = new ConcurrentHashMap<>();

    /** The public key (base64url DER) to offer with the next poll; made now if the last one was taken. */
    synchronized String offer() {
        if (offered == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                offered = generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            offeredText = Base64.getUrlEncoder().withoutPadding().encodeToString(offered.getPublic().getEncoded());
        }
        return offeredText;
    }

    /** Binds the offered pair to {@code command} when it came with a certificate: the next poll offers another. */
    synchronized void delivered(Command command) {
        if (offered != null && command.arguments() != null
                && command.arguments().path("tls").path("certificate").isTextual()) {
            certified.put(command.id(), offered);
            offered = null;
        }
    }

    /** The pair certified for preparation {@code commandId}, handed out once. */
    Optional<KeyPair> take(String commandId) {
        return Optional.ofNullable(certified.remove(commandId));
    }
}
