package dev.keel.storage.api.crypto;

/**
 * A sealed record failed authentication: tampered, truncated, moved, reordered, replayed or opened
 * with the wrong key. Immutable and thread-safe.
 */
public class SealedRecordException extends CryptoException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which record and key
     * @param cause the JDK's authentication failure
     */
    public SealedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
