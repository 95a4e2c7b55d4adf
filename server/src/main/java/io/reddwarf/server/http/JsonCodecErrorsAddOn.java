package io.reddwarf.server.http;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.server.api.ErrorResponses;
import java.io.IOException;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Gives the answers Grizzly's HTTP codec writes on its own (request line or headers too large,
 * malformed requests, broken chunking, an unknown HTTP version) a Trove-shaped JSON body;
 * Grizzly's have none. The codec
 * filter of the listener is replaced by a subclass built with the same settings.
 *
 * <p>Headers over the listener's limit (8 KiB with the request line, or more than 100 of them) are
 * answered {@code 431 requestHeaderFieldsTooLarge}, not a plain 400: RFC 6585 made 431 for exactly
 * this, and it tells the client that the request is refused for its size, not for its form. A
 * request line alone over the limit is {@code 414 requestURITooLong}.
 */
public final class JsonCodecErrorsAddOn implements AddOn {
    static final String HEADERS_TOO_LARGE_MESSAGE = "The request's header fields are too large.";
    static final String URI_TOO_LONG_MESSAGE = "The request URL is too long.";
    static final String MALFORMED_MESSAGE = "The request is malformed.";
    static final String VERSION_MESSAGE = "The API speaks HTTP/1.1.";

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec in the filter chain of " + listener.getName());
        }
        builder.set(codec, new JsonErrorsCodec((HttpServerFilter) builder.get(codec), listener));
    }

    /** The codec Grizzly builds in {@code HttpServer.configureListener}, with JSON error bodies. */
    static final class JsonErrorsCodec extends HttpServerFilter {
        @SuppressWarnings("deprecation")
        JsonErrorsCodec(HttpServerFilter original, NetworkListener listener) {
            super(listener.isChunkingEnabled(),
                    listener.getMaxHttpHeaderSize() == -1 ? DEFAULT_MAX_HTTP_PACKET_HEADER_SIZE
                            : listener.getMaxHttpHeaderSize(),
                    null, listener.getKeepAlive(), null, listener.getMaxRequestHeaders(),
                    listener.getMaxResponseHeaders());
            for (var encoding : original.getContentEncodings()) {
                addContentEncoding(encoding);
            }
            setAllowPayloadForUndefinedHttpMethods(original.isAllowPayloadForUndefinedHttpMethods());
            setMaxPayloadRemainderToSkip(original.getMaxPayloadRemainderToSkip());
            setRemoveHandledContentEncodingHeaders(original.isRemoveHandledContentEncodingHeaders());
            getMonitoringConfig().addProbes(original.getMonitoringConfig().getProbes());
        }

        @Override
        protected void onHttpHeaderError(HttpHeader httpHeader, FilterChainContext ctx, Throwable t) throws IOException {
            HttpResponsePacket response = ((HttpRequestPacket) httpHeader).getResponse();
            if (t instanceof MimeHeaders.MaxHeaderCountExceededException) {
                HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.setValues(response);
            } else if (isOverflow(t)) {
                boolean inRequestLine = ((HttpPacketParsing) httpHeader).getHeaderParsingState().state == 0;
                (inRequestLine ? HttpStatus.REQUEST_URI_TOO_LONG_414 : HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                        .setValues(response);
            }
            super.onHttpHeaderError(httpHeader, ctx, t);
        }

        /** Grizzly reports a request line or header block over the limit only by this message. */
        private static boolean isOverflow(Throwable t) {
            return t instanceof IllegalStateException && t.getMessage() != null
                    && t.getMessage().startsWith("HTTP packet ") && t.getMessage().endsWith(" is too large");
        }

        @Override
        protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
            byte[] body = switch (response.getStatus()) {
                case 431 -> ErrorResponses.json(ErrorCode.REQUEST_HEADER_FIELDS_TOO_LARGE, HEADERS_TOO_LARGE_MESSAGE);
                case 414 -> ErrorResponses.json(ErrorCode.REQUEST_URI_TOO_LONG, URI_TOO_LONG_MESSAGE);
                case 505 -> ErrorResponses.json(ErrorCode.VERSION_NOT_SUPPORTED, VERSION_MESSAGE);
                default -> {
                    HttpStatus.BAD_REQUEST_400.setValues(response);
                    yield ErrorResponses.json(ErrorCode.BAD_REQUEST, MALFORMED_MESSAGE);
                }
            };
            response.setContentType("application/json");
            response.setContentLength(body.length);
            // Written as headers too: when the request line could not be read, Grizzly takes the request
            // for HTTP/0.9 and adds no headers of its own. The connection is closed after this answer.
            response.getHeaders().setValue(Header.ContentType).setString("application/json");
            response.getHeaders().setValue(Header.Connection).setString("close");
            return HttpContent.builder(response)
                    .content(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, body))
                    .last(true)
                    .build();
        }
    }
}
