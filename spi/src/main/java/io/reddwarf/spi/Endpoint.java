package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

/** Where clients reach an instance. */
public record Endpoint(String host, int port) {
    public Endpoint {
        requireNonNull(host, "host is null");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
