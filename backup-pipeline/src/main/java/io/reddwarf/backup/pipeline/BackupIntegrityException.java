package io.reddwarf.backup.pipeline;

/**
 * A stored backup cannot be trusted: its checksum differs, it ends early, its chunks fail
 * authentication (altered, reordered or encrypted under another key). Messages are fixed phrases.
 */
public final class BackupIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String TRUNCATED = "The backup is truncated.";
    public static final String NOT_AUTHENTIC = "The backup failed authentication: it was altered or encrypted with another key.";
    public static final String CHECKSUM_MISMATCH = "The backup's checksum does not match the stored checksum.";
    public static final String NOT_A_BACKUP = "The object is not a Reddwarf backup.";
    public static final String WRONG_KEY = "The backup's data key cannot be unwrapped with the server's master key.";

    public BackupIntegrityException(String message) {
        super(message);
    }

    public BackupIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
