package dev.keel.storage.api.coldstart;

/**
 * The state reflects an index beyond every durable log entry and snapshot ({@code have > L}):
 * it holds entries no durable log has. Wipe the node and re-join it (cluster member) or restore it
 * from a backup. Immutable and thread-safe.
 */
public class AheadOfLogException extends ColdStartException {
    private static final long serialVersionUID = 1L;

    /**
     * @param have the state's applied index
     * @param lastIndex {@code L}
     */
    public AheadOfLogException(long have, long lastIndex) {
        super("state is ahead of the log: applied index " + have + " > last durable index " + lastIndex);
    }
}
