package dev.keel.parity;

import dev.keel.storage.api.KeelException;

/**
 * A parity manifest could not be read: not JSON, another format, or a field missing or of the
 * wrong type. The message names what and where.
 *
 * <p>Immutable and thread-safe.
 */
public class ManifestFormatException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public ManifestFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public ManifestFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
