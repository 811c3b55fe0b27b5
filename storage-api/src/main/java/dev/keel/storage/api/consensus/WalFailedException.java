package dev.keel.storage.api.consensus;

import dev.keel.storage.api.StorageException;

/**
 * The log is in the failed state after a write or force failed: the operation was not made
 * durable and never will be by this instance. Reopen (recovery decides what is durable).
 * Immutable and thread-safe.
 */
public class WalFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the first failure that put the log in the failed state
     */
    public WalFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
