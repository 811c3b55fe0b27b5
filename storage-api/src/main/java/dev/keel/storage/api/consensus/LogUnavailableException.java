package dev.keel.storage.api.consensus;

import dev.keel.storage.api.KeelException;

/**
 * A log index was asked for beyond the last entry. Immutable and thread-safe.
 */
public class LogUnavailableException extends KeelException {
    private static final long serialVersionUID = 1L;

    /**
     * @param index the index asked for
     * @param lastIndex the last index the log holds
     */
    public LogUnavailableException(long index, long lastIndex) {
        super("log index " + index + " is not available (last index " + lastIndex + ")");
    }
}
