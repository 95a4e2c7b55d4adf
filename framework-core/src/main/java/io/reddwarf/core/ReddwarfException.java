package io.reddwarf.core;

import static java.util.Objects.requireNonNull;

/**
 * The one exception family the API turns into an error response: its {@link ErrorCode} gives the
 * HTTP status and Trove's error name, its message is shown to the client verbatim and must never
 * contain a secret.
 */
public class ReddwarfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public ReddwarfException(ErrorCode code, String message) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
    }

    public ReddwarfException(ErrorCode code, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
    }

    public ErrorCode code() {
        return code;
    }

    public static ReddwarfException badRequest(String message) {
        return new ReddwarfException(ErrorCode.BAD_REQUEST, message);
    }

    public static ReddwarfException notFound(String message) {
        return new ReddwarfException(ErrorCode.NOT_FOUND, message);
    }

    public static ReddwarfException unprocessable(String message) {
        return new ReddwarfException(ErrorCode.UNPROCESSABLE, message);
    }

    public static ReddwarfException forbidden(String message) {
        return new ReddwarfException(ErrorCode.FORBIDDEN, message);
    }
}
