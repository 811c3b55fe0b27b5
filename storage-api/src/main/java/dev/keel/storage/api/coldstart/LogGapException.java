package dev.keel.storage.api.coldstart;

/**
 * The log does not hold every entry after the floor the state starts from, so replay cannot
 * bring it up to date. Immutable and thread-safe.
 */
public class LogGapException extends ColdStartException {
    private static final long serialVersionUID = 1L;

    /**
     * @param floor the index the state starts after
     * @param firstIndex the log's first durable index
     */
    public LogGapException(long floor, long firstIndex) {
        super("log gap: state starts after index " + floor + " but the log begins at " + firstIndex);
    }

    /** @param message a description of the gap */
    public LogGapException(String message) {
        super(message);
    }
}
