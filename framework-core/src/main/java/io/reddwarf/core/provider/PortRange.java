package io.reddwarf.core.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An inclusive range of TCP ports: {@code instances.port-range}, or the range the kernel picks the
 * local ports of outgoing connections from.
 *
 * @param first the lowest port of the range
 * @param last  the highest port of the range
 */
public record PortRange(int first, int last) {
    /** Where Linux publishes its ephemeral port range: two numbers, e.g. {@code "32768 60999"}. */
    public static final Path LINUX_EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last);
        }
    }

    /** The ports both ranges contain, if any. */
    public Optional<PortRange> overlap(PortRange other) {
        int from = Math.max(first, other.first);
        int to = Math.min(last, other.last);
        return from <= to ? Optional.of(new PortRange(from, to)) : Optional.empty();
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** The range in {@code text} as the kernel writes it (two numbers separated by white space), if it is one. */
    public static Optional<PortRange> parseKernelRange(String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The kernel's ephemeral port range read from {@code file}; empty when it cannot be read or parsed. */
    public static Optional<PortRange> readKernelRange(Path file) {
        try {
            return parseKernelRange(Files.readString(file));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
