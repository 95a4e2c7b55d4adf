package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

/**
 * The size of an instance: how much memory and CPU the engine may use and how large its volume is.
 * Drivers derive engine settings (buffer pool, connection limits) from it.
 */
public record Flavor(String id, String name, int ramMb, int vcpus, int diskGb) {
    public Flavor {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        if (ramMb <= 0) {
            throw new IllegalArgumentException("ramMb must be positive: " + ramMb);
        }
        if (vcpus <= 0) {
            throw new IllegalArgumentException("vcpus must be positive: " + vcpus);
        }
        if (diskGb < 0) {
            throw new IllegalArgumentException("diskGb must not be negative: " + diskGb);
        }
    }
}
