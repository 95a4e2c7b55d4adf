package io.reddwarf.core.quota;

import java.util.Arrays;
import java.util.Optional;

/** What a project's quota limits, with Trove's resource names and default limits (-1: unlimited). */
public enum QuotaResource {
    INSTANCES("instances", 10),
    VOLUMES("volumes", 40),
    BACKUPS("backups", 50),
    RAM("ram", -1);

    private final String troveName;
    private final int defaultLimit;

    QuotaResource(String troveName, int defaultLimit) {
        this.troveName = troveName;
        this.defaultLimit = defaultLimit;
    }

    public String troveName() {
        return troveName;
    }

    public int defaultLimit() {
        return defaultLimit;
    }

    public static Optional<QuotaResource> named(String name) {
        return Arrays.stream(values()).filter(r -> r.troveName.equals(name)).findFirst();
    }
}
