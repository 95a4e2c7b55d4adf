package io.reddwarf.agent.protocol;

import java.util.Objects;

/**
 * What an agent asks the control plane's authority to sign while it prepares an instance: the
 * public key (base64 DER) it made on its host for the instance of the preparation {@code command}
 * it is running. The control plane takes the instance and its address from that command, never
 * from the request.
 */
public record CertificateRequest(String command, String publicKey) {
    public CertificateRequest {
        Objects.requireNonNull(command, "command is null");
        Objects.requireNonNull(publicKey, "public_key is null");
    }

    /** The certificate issued for the key, and the authority's certificate (both PEM). */
    public record Issued(String certificate, String authority) {
        public Issued {
            Objects.requireNonNull(certificate, "certificate is null");
            Objects.requireNonNull(authority, "authority is null");
        }
    }
}
