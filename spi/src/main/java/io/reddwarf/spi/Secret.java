package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

/**
 * A password or key. {@link #toString()} never reveals the value, so a secret that ends up in a log
 * line or an exception message shows as {@code ******}.
 */
public record Secret(String value) {
    public Secret {
        requireNonNull(value, "value is null");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("secret is empty");
        }
    }

    @Override
    public String toString() {
        return "******";
    }
}
