package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;

/** The {@code dry_run} query parameter: absent or {@code false} for a real change, {@code true} for a plan. */
final class DryRun {
    private DryRun() {
    }

    static boolean of(String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        throw ReddwarfException.badRequest("dry_run must be true or false.");
    }
}
