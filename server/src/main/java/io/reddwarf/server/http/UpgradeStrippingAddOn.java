package io.reddwarf.server.http;

import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpEvents.IncomingHttpUpgradeEvent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;

/**
 * Turns requests that ask for a protocol upgrade back into plain HTTP/1.1 requests.
 *
 * <p>Grizzly treats a request carrying an {@code Upgrade} header (the JDK HTTP client sends
 * {@code Upgrade: h2c} by default) as the start of another protocol: it skips request body framing
 * and response content rules, so a POST never sees its body and responses lose their
 * {@code Content-Type}. The API speaks HTTP/1.1 only, so the header is dropped right after the codec
 * parsed it and before the request is prepared; the client then simply gets an HTTP/1.1 answer,
 * which is what RFC 9110 allows a server to do with an upgrade it does not want.
 */
public final class UpgradeStrippingAddOn implements AddOn {

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec in the filter chain of " + networkListener.getName());
        }
        builder.add(codec + 1, new UpgradeStrippingFilter());
    }

    /** Receives the codec's upgrade event synchronously, before the codec prepares the request. */
    static final class UpgradeStrippingFilter extends BaseFilter {
        @Override
        public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
            if (event instanceof IncomingHttpUpgradeEvent upgrade) {
                HttpHeader header = upgrade.getHttpHeader();
                header.getUpgradeDC().recycle();
                header.setIgnoreContentModifiers(false);
                header.getHeaders().removeHeader(Header.Upgrade);
                header.getHeaders().removeHeader("HTTP2-Settings");
                return ctx.getStopAction();
            }
            return ctx.getInvokeAction();
        }
    }
}
