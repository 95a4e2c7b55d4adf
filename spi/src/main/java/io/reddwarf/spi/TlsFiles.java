package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The files an engine serves TLS with, all PEM and below {@link InstanceContext#confDir()}: its
 * certificate (for the address it listens on, signed by the deployment's authority), its private
 * key, and the authority's certificate, which clients use to verify the engine.
 */
public record TlsFiles(Path certificate, Path privateKey, Path authority) {
    public TlsFiles {
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(authority, "authority is null");
    }
}
