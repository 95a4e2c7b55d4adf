package io.reddwarf.spi;

/**
 * A request that a driver rejects because of what the user asked for (a reserved database name, an
 * identifier the engine cannot hold). The control plane reports it as a client error (400) with
 * this message verbatim, so the message must be a complete sentence without secrets.
 */
public class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
