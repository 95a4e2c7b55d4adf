package io.reddwarf.server.auth;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** Who a token belongs to: a project and the roles the token holds in it. */
public record Principal(String projectId, Set<String> roles) {
    public static final String ADMIN_ROLE = "admin";
    public static final String MEMBER_ROLE = "member";

    public Principal {
        requireNonNull(projectId, "projectId is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
    }

    /** Admins may act on any project. */
    public boolean isAdmin() {
        return roles.contains(ADMIN_ROLE);
    }

    public boolean mayAccess(String project) {
        return isAdmin() || projectId.equals(project);
    }
}
