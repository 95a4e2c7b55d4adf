package io.reddwarf.tck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TCP ports the TCK may give to instances, both ends included.
 *
 * @param first the lowest port
 * @param last  the highest port
 */
public record PortRange(int first, int last) {
    public PortRange {
        if (first <= 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid port range: " + first + "-" + last);
        }
    }

    /**
     * A port of the range that nothing listens on right now, starting at a random offset so that
     * concurrent test runs rarely collide.
     *
     * @throws IllegalStateException if every port of the range is taken
     */
    public int freePort() {
        int size = last - first + 1;
        int offset = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = first + (offset + i) % size;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // Try the next one.
            }
        }
        throw new IllegalStateException("No free port in " + first + "-" + last + ".");
    }
}
