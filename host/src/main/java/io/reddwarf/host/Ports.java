package io.reddwarf.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The ports of this host's addresses. */
public final class Ports {
    private Ports() {}

    /** Whether nothing listens on {@code port} of {@code address} right now (a bind to it succeeds). */
    public static boolean free(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
