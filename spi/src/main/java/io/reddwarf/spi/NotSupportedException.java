package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

/**
 * Thrown by an optional SPI operation that a datastore does not implement.
 *
 * <p>The message is fixed so that callers and the TCK can rely on it verbatim:
 * {@code The '<operation>' operation is not supported for the '<type>' datastore.}
 */
public final class NotSupportedException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String datastoreType;

    public NotSupportedException(String operation, String datastoreType) {
        super(message(operation, datastoreType));
        this.operation = requireNonNull(operation, "operation is null");
        this.datastoreType = requireNonNull(datastoreType, "datastoreType is null");
    }

    /** The exact message used for an unsupported {@code operation} on datastore {@code type}. */
    public static String message(String operation, String type) {
        return "The '" + operation + "' operation is not supported for the '" + type + "' datastore.";
    }

    public String operation() {
        return operation;
    }

    public String datastoreType() {
        return datastoreType;
    }
}
