package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A user account to create, with the databases it gets full access to.
 *
 * @param name      the account name
 * @param host      the host pattern the account may connect from ({@code "%"} for any)
 * @param password  the password
 * @param databases databases the user gets all privileges on
 */
public record UserSpec(String name, String host, Secret password, List<String> databases) {
    public UserSpec {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(password, "password is null");
        databases = List.copyOf(requireNonNull(databases, "databases is null"));
        if (name.isEmpty()) {
            throw new IllegalArgumentException("user name is empty");
        }
    }
}
