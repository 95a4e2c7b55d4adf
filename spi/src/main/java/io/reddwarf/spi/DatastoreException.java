package io.reddwarf.spi;

/**
 * A datastore operation failed for a reason that is not the caller's fault: the engine did not
 * start, a command exited non-zero, a connection was refused. Messages must never contain secrets;
 * they are shown to operators and stored as the instance's fault.
 */
public class DatastoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatastoreException(String message) {
        super(message);
    }

    public DatastoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
