package io.reddwarf.core;

/**
 * The errors the API reports, each with its HTTP status and the name Trove uses as the top-level
 * key of its JSON error body ({@code {"itemNotFound": {"code": 404, "message": "..."}}}).
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
    BAD_MEDIA_TYPE(415, "badMediaType"),
    UNPROCESSABLE(422, "unprocessableEntity"),
    INTERNAL(500, "instanceFault"),
    NOT_IMPLEMENTED(501, "notImplemented"),
    SERVICE_UNAVAILABLE(503, "serviceUnavailable");

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
