package dev.keel.storage.api.consensus;

/**
 * A log position: an index and its term. Immutable and thread-safe.
 *
 * @param index the log index (0 for none)
 * @param term its term (0 for none)
 */
public record AppliedPosition(long index, long term) {
    /** @throws IllegalArgumentException if a number is negative */
    public AppliedPosition {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must be >= 0: " + index + "/" + term);
        }
    }
}
