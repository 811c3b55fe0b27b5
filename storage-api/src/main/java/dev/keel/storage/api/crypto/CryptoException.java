package dev.keel.storage.api.crypto;

import dev.keel.storage.api.KeelException;

/**
 * Encryption at rest failed; apply stops and nothing falls back to plaintext. Immutable and
 * thread-safe.
 */
public class CryptoException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the key id and record */
    public CryptoException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the key id and record
     * @param cause the JDK failure
     */
    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
