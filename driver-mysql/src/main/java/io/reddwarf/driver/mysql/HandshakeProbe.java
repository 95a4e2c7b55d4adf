package io.reddwarf.driver.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Checks that a MySQL-family server answers on its TCP port by reading the first packet it sends
 * after accepting a connection: the initial handshake (protocol 10), or an error packet when it
 * refuses the client's host. Either way the server is accepting connections. Cheaper than a client
 * login: no process, no authentication.
 */
final class HandshakeProbe {
    private static final int HANDSHAKE_V10 = 0x0a;
    private static final int ERROR_PACKET = 0xff;

    private HandshakeProbe() {}

    /** The address to probe for a server bound to {@code bindAddress}. */
    static String probeHost(String bindAddress) {
        return switch (bindAddress) {
            case "0.0.0.0", "*", "" -> "127.0.0.1";
            case "::" -> "::1";
            default -> bindAddress;
        };
    }

    /**
     * Whether the server answered within {@code timeout}.
     *
     * @throws IOException if nothing listens on the port (connection refused)
     */
    static boolean answers(String host, int port, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.setSoLinger(true, 0);
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5);
            if (header.length < 5) {
                return false;
            }
            int first = header[4] & 0xff;
            return first == HANDSHAKE_V10 || first == ERROR_PACKET;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
