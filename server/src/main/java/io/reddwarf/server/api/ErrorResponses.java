package io.reddwarf.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.NotSupportedException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Every error body has Trove's shape
 * {@code {"<troveName>": {"code": N, "message": "..."}}}; messages are fixed phrases or the message
 * of an exception that is meant for users. Anything else is logged with its stack trace and answered
 * with a generic 500, so no internals reach a client.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    static final String INTERNAL_MESSAGE = "The server has either erred or is incapable of performing the requested operation.";
    static final String NOT_FOUND_MESSAGE = "The resource could not be found.";
    static final String BAD_METHOD_MESSAGE = "The method is not allowed for this resource.";
    static final String BAD_MEDIA_TYPE_MESSAGE = "The request body must be JSON (Content-Type: application/json).";
    static final String NOT_ACCEPTABLE_MESSAGE = "The API only produces application/json.";
    static final String MALFORMED_MESSAGE = "The request is malformed.";
    static final String INVALID_JSON_MESSAGE = "The request body is not valid JSON.";
    public static final String EXPECTATION_FAILED_MESSAGE = "The only expectation the API meets is 100-continue.";

    private ErrorResponses() {
    }

    /** The body of an error response. */
    public static Map<String, Object> body(ErrorCode code, String message) {
        return Map.of(code.troveName(), new Fault(code.status(), message));
    }

    /**
     * The body of an error response as UTF-8 JSON, for answers written outside Jersey (by Grizzly's
     * handler or codec), which then need {@code Content-Type: application/json}.
     */
    public static byte[] json(ErrorCode code, String message) {
        try {
            return Json.mapper().writeValueAsBytes(body(code, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an error body", e);
        }
    }

    /** The message of a body over {@code maxBytes}. */
    public static String bodyTooLargeMessage(long maxBytes) {
        return "The request body must not be larger than " + maxBytes + " bytes.";
    }

    public static Response of(ErrorCode code, String message) {
        return Response.status(code.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(code, message))
                .build();
    }

    /** Maps any failure of a request to its response. */
    public static Response of(Throwable failure) {
        return switch (failure) {
            case ReddwarfException e -> of(e.code(), e.getMessage());
            case InvalidRequestException e -> of(ErrorCode.BAD_REQUEST, e.getMessage());
            case NotSupportedException e -> of(ErrorCode.NOT_IMPLEMENTED, e.getMessage());
            case JsonProcessingException e -> of(ErrorCode.BAD_REQUEST, INVALID_JSON_MESSAGE);
            case NotAllowedException e -> withAllow(of(ErrorCode.BAD_METHOD, BAD_METHOD_MESSAGE), e.getResponse());
            case WebApplicationException e -> fromStatus(e);
            default -> internal(failure);
        };
    }

    private static Response fromStatus(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return switch (status) {
            case 404 -> of(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE);
            case 405 -> of(ErrorCode.BAD_METHOD, BAD_METHOD_MESSAGE);
            case 406 -> of(ErrorCode.NOT_ACCEPTABLE, NOT_ACCEPTABLE_MESSAGE);
            case 415 -> of(ErrorCode.BAD_MEDIA_TYPE, BAD_MEDIA_TYPE_MESSAGE);
            case 400 -> of(ErrorCode.BAD_REQUEST, MALFORMED_MESSAGE);
            default -> status >= 500 ? internal(e) : of(ErrorCode.forStatus(status), "The request could not be processed.");
        };
    }

    private static Response withAllow(Response response, Response original) {
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? response : Response.fromResponse(response).header(HttpHeaders.ALLOW, allow).build();
    }

    private static Response internal(Throwable failure) {
        LOG.error("Unexpected failure while serving a request", failure);
        return of(ErrorCode.INTERNAL, INTERNAL_MESSAGE);
    }

    /** The inner object of an error body. */
    public record Fault(int code, String message) {
    }
}
