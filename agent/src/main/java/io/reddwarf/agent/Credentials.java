package io.reddwarf.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.reddwarf.agent.protocol.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The TLS context of an agent: its own key and certificate (presented to the control plane) and
 * the deployment's authority as the only trusted root, so the agent talks to its own control plane
 * only.
 */
final class Credentials {
    private Credentials() {}

    static SSLContext sslContext(Path key, Path certificate, Path authority) {
        try {
            return Tls.context(Files.readString(key, US_ASCII), List.of(Files.readString(certificate, US_ASCII)),
                    Files.readString(authority, US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("The agent's credentials in " + key.getParent() + " cannot be used: "
                    + e.getMessage(), e);
        }
    }
}
