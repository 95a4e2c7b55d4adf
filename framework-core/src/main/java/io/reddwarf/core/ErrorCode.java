package io.reddwarf.core;

/**
 * The errors the API reports, each with its HTTP status and the name Trove uses as the top-level
 * key of its JSON error body ({@code {"itemNotFound": {"code": 404, "message": "..."}}}). Statuses
 * Trove does not name itself are named as Trove names any other WebOb error: the class name
 * without {@code HTTP}, starting in lower case ({@code HTTPExpectationFailed} becomes
 * {@code expectationFailed}).
 */
public enum ErrorCode {
    BAD_REQUEST(400, "badRequest"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "itemNotFound"),
    BAD_METHOD(405, "badMethod"),
    NOT_ACCEPTABLE(406, "notAcceptable"),
    CONFLICT(409, "conflictingRequest"),
    OVER_LIMIT(413, "overLimit"),
    /**
     * A request body over the server's size limit. Trove would say {@code overLimit}; a name of its own
     * tells a refused body from a quota or rate limit. {@link #forStatus} keeps 413 for {@link #OVER_LIMIT}.
     */
    REQUEST_ENTITY_TOO_LARGE(413, "requestEntityTooLarge"),
    REQUEST_URI_TOO_LONG(414, "requestURITooLong"),
    BAD_MEDIA_TYPE(415, "badMediaType"),
    EXPECTATION_FAILED(417, "expectationFailed"),
    UNPROCESSABLE(422, "unprocessableEntity"),
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "requestHeaderFieldsTooLarge"),
    INTERNAL(500, "instanceFault"),
    NOT_IMPLEMENTED(501, "notImplemented"),
    SERVICE_UNAVAILABLE(503, "serviceUnavailable"),
    VERSION_NOT_SUPPORTED(505, "versionNotSupported");

    private final int status;
    private final String troveName;

    ErrorCode(int status, String troveName) {
        this.status = status;
        this.troveName = troveName;
    }

    public int status() {
        return status;
    }

    public String troveName() {
        return troveName;
    }

    /** The code for an HTTP status, {@link #INTERNAL} for any status without its own. */
    public static ErrorCode forStatus(int status) {
        for (ErrorCode code : values()) {
            if (code.status == status) {
                return code;
            }
        }
        return status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL;
    }
}
