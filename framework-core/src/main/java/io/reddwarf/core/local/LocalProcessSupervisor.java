package io.reddwarf.core.local;

import java.nio.file.Path;
import java.util.List;

/** Placeholder until the local process supervisor lands. */
public final class LocalProcessSupervisor {
    private LocalProcessSupervisor() {
    }

    public static List<Long> findProcessesReferencing(Path dir) {
        return List.of();
    }
}
