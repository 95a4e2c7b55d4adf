package io.reddwarf.server.auth;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A project of the embedded mode: its name, its Keystone-like id (32 hex digits), the token that
 * stands for it and the roles that token holds. {@link #toString()} leaves the token out.
 */
public record LocalProject(String name, String id, String token, Set<String> roles) {
    /** The project generated on first start with a member token; its cloud is {@code reddwarf}. */
    public static final String DEMO = "demo";
    /** The project generated on first start with an admin token; its cloud is {@code reddwarf-admin}. */
    public static final String ADMIN = "admin";

    public LocalProject {
        requireNonNull(name, "name is null");
        requireNonNull(id, "id is null");
        requireNonNull(token, "token is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
    }

    static LocalProject member(String name, String id, String token) {
        return new LocalProject(name, id, token, Set.of(Principal.MEMBER_ROLE));
    }

    static LocalProject admin(String name, String id, String token) {
        return new LocalProject(name, id, token, Set.of(Principal.ADMIN_ROLE, Principal.MEMBER_ROLE));
    }

    /** The cloud of {@code clouds.yaml} that uses this project: {@code reddwarf}, {@code reddwarf-admin}, {@code reddwarf-<name>}. */
    public String cloud() {
        return name.equals(DEMO) ? CloudsYaml.CLOUD : CloudsYaml.CLOUD + "-" + name;
    }

    public Principal principal() {
        return new Principal(id, roles);
    }

    @Override
    public String toString() {
        return "LocalProject[name=" + name + ", id=" + id + ", roles=" + roles + "]";
    }
}
