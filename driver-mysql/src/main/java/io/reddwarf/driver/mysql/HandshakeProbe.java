package io.reddwarf.driver.mysql;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Checks that a MySQL-family server answers on its Unix socket by reading the first packet it sends
 * after accepting a connection: the initial handshake (protocol 10), or an error packet when it
 * refuses the client's host. Either way the server is accepting connections. Cheaper than a client
 * login: no process, no authentication.
 */
final class HandshakeProbe {
    private static final int HANDSHAKE_V10 = 0x0a;
    private static final int ERROR_PACKET = 0xff;

    private HandshakeProbe() {}

    /**
     * Whether the server answers on its Unix socket within {@code timeout}. The socket belongs to one
     * instance only, so unlike a TCP port it cannot be answered by another server (one still
     * shutting down on a reused port, say).
     *
     * @throws IOException if the socket does not exist yet or nothing listens on it
     */
    static boolean answersOnSocket(Path socketPath, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socketPath));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer header = ByteBuffer.allocate(5);
            while (header.hasRemaining()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || selector.select(left) == 0) {
                    return false;
                }
                selector.selectedKeys().clear();
                if (channel.read(header) < 0) {
                    return false;
                }
            }
            int first = header.get(4) & 0xff;
            return first == HANDSHAKE_V10 || first == ERROR_PACKET;
        }
    }
}
