package dev.keel.storage.api.coldstart;

/**
 * The term the log records at the state's applied index differs from the term the state recorded:
 * they describe different histories. Immutable and thread-safe.
 */
public class DivergedLogException extends ColdStartException {
    private static final long serialVersionUID = 1L;

    /**
     * @param index the state's applied index
     * @param stateTerm the term the state recorded
     * @param logTerm the term the log holds at that index
     */
    public DivergedLogException(long index, long stateTerm, long logTerm) {
        super("state diverged from the log at index " + index + ": state term " + stateTerm + ", log term " + logTerm);
    }
}
