package dev.keel.storage.api.consensus;

import dev.keel.storage.api.KeelException;

/**
 * A log index was asked for that compaction has released. Immutable and thread-safe.
 */
public class LogCompactedException extends KeelException {
    private static final long serialVersionUID = 1L;

    /**
     * @param index the index asked for
     * @param firstIndex the first index the log holds
     */
    public LogCompactedException(long index, long firstIndex) {
        super("log index " + index + " is compacted (first index " + firstIndex + ")");
    }
}
