package io.reddwarf.server.http;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.server.api.ErrorResponses;
import java.io.IOException;
import java.net.URISyntaxException;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;

/**
 * The server's one HTTP handler: Jersey's, behind the checks that must come before anything reads
 * the request. A body whose declared length is over the limit is refused with 413 at once, also in
 * place of {@code 100 Continue}, so not one byte of it is read; an {@code Expect} other than
 * {@code 100-continue} gets 417, and a request target that is no URI (a lone {@code %}) 400
 * rather than the 500 Jersey would cause. Answers are Trove-shaped JSON, as every other error.
 *
 * <p>Bodies sent in chunks declare no length; Jersey's side caps them while they are read.
 */
public final class RequestGuard extends HttpHandler {
    static final String MALFORMED_URL_MESSAGE = "The request URL is malformed.";

    private final HttpHandler jersey;
    private final long maxBodyBytes;

    /**
     * @param jersey the handler that serves the API
     * @param maxBodyBytes the largest request body accepted
     */
    public RequestGuard(HttpHandler jersey, long maxBodyBytes) {
        this.jersey = requireNonNull(jersey, "jersey is null");
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void start() {
        jersey.start();
    }

    @Override
    public void destroy() {
        jersey.destroy();
    }

    /** Called by Grizzly for a request with an {@code Expect} header, before {@link #service}. */
    @Override
    protected boolean sendAcknowledgment(Request request, Response response) throws IOException {
        if (!"100-continue".equalsIgnoreCase(request.getHeader(Header.Expect))) {
            answer(response, ErrorCode.EXPECTATION_FAILED, ErrorResponses.EXPECTATION_FAILED_MESSAGE);
            return false;
        }
        if (declaresTooLargeABody(request)) {
            answer(response, ErrorCode.REQUEST_ENTITY_TOO_LARGE, ErrorResponses.bodyTooLargeMessage(maxBodyBytes));
            return false;
        }
        return super.sendAcknowledgment(request, response);
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        if (declaresTooLargeABody(request)) {
            answer(response, ErrorCode.REQUEST_ENTITY_TOO_LARGE, ErrorResponses.bodyTooLargeMessage(maxBodyBytes));
            return;
        }
        try {
            jersey.service(request, response);
        } catch (IllegalArgumentException e) {
            // Jersey turns the request target into a java.net.URI before anything else and fails this
            // way on what no URI may contain (a '%' without two hex digits, a raw '"' or '{'...).
            if (!(e.getCause() instanceof URISyntaxException) || response.isCommitted()) {
                throw e;
            }
            answer(response, ErrorCode.BAD_REQUEST, MALFORMED_URL_MESSAGE);
        }
    }

    private boolean declaresTooLargeABody(Request request) {
        return request.getContentLengthLong() > maxBodyBytes;
    }

    /** Writes a complete error answer; Grizzly closes the connection after it (as after any 400, 413 or 417). */
    static void answer(Response response, ErrorCode code, String message) throws IOException {
        byte[] body = ErrorResponses.json(code, message);
        response.setStatus(code.status());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
