package io.reddwarf.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/** What the API's and the agents' listeners share: JSON error pages, starting, stopping. */
public final class Listeners {
    private Listeners() {}

    /**
     * Answers Grizzly's own errors in Trove's JSON shape, strips {@code Upgrade} headers, starts
     * {@code http}, and returns the port its first listener got.
     *
     * @throws UncheckedIOException naming {@code where} if it cannot listen
     */
    public static int start(HttpServer http, String where) {
        http.getServerConfiguration().setDefaultErrorPageGenerator(new JsonErrorPageGenerator());
        for (NetworkListener listener : http.getListeners()) {
            listener.registerAddOn(new JsonCodecErrorsAddOn());
            listener.registerAddOn(new UpgradeStrippingAddOn());
            listener.setDefaultErrorPageGenerator(new JsonErrorPageGenerator());
        }
        try {
            http.start();
        } catch (IOException e) {
            http.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + where + ": " + e.getMessage(), e);
        }
        return http.getListeners().iterator().next().getPort();
    }

    /** Stops accepting requests and lets running ones finish for up to five seconds. */
    public static void stop(HttpServer http) {
        try {
            http.shutdown(5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            http.shutdownNow();
        } catch (Exception e) {
            http.shutdownNow();
        }
    }
}
