package io.reddwarf.agent.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What an agent reports every {@code heartbeat} interval: its own version, the health of each
 * engine it runs, as the driver's {@code status()} sees it, and how far its long commands (backups)
 * have got.
 */
public record Heartbeat(String agentVersion, List<InstanceHealth> instances, List<Progress> progress) {
    public Heartbeat {
        Objects.requireNonNull(agentVersion, "agentVersion is null");
        instances = List.copyOf(instances == null ? List.of() : instances);
        progress = List.copyOf(progress == null ? List.of() : progress);
    }

    public Heartbeat(String agentVersion, List<InstanceHealth> instances) {
        this(agentVersion, instances, List.of());
    }

    /**
     * How far a running command has got: {@code bytes} the tool produced so far and its
     * {@code phase} ({@code running}, or {@code saving} once the tool has ended and the object is
     * committed and verified).
     */
    public record Progress(String command, long bytes, String phase) {
        public static final String RUNNING = "running";
        public static final String SAVING = "saving";

        public Progress {
            Objects.requireNonNull(command, "command is null");
            Objects.requireNonNull(phase, "phase is null");
        }
    }

    /**
     * One engine's health as the driver's {@code status()} names it (RUNNING, STARTING, SHUTDOWN,
     * CRASHED, UNKNOWN) and, when it is not RUNNING, the engine's last errors, one per line.
     */
    public record InstanceHealth(String id, String health, String detail) {
        public InstanceHealth {
            Objects.requireNonNull(id, "id is null");
            Objects.requireNonNull(health, "health is null");
        }
    }
}
