package io.reddwarf.agent.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What an agent reports every {@code heartbeat} interval: its own version and the health of each
 * engine it runs, as the driver's {@code status()} sees it.
 */
public record Heartbeat(String agentVersion, List<InstanceHealth> instances) {
    public Heartbeat {
        Objects.requireNonNull(agentVersion, "agentVersion is null");
        instances = List.copyOf(instances == null ? List.of() : instances);
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
