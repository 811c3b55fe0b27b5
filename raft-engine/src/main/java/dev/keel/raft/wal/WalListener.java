package dev.keel.raft.wal;

/**
 * Told what the WAL writer does, for metrics. Called on the writer thread, after the fact: keep it
 * cheap and never block or call back into the log. Every method has an empty default.
 */
public interface WalListener {
    /**
     * One write and one {@code force} made a batch durable.
     *
     * @param records records written (entries, hard states, tokens, truncations)
     * @param entries of those, entries
     * @param bytes bytes written
     * @param forceNanos how long the {@code force} took
     */
    default void batchCommitted(int records, int entries, long bytes, long forceNanos) {
    }

    /**
     * A new segment was created (rollover, or the first one).
     *
     * @param sequence its sequence number
     */
    default void segmentCreated(long sequence) {
    }

    /**
     * Compaction deleted old segments.
     *
     * @param segments how many
     */
    default void segmentsCompacted(int segments) {
    }

    /**
     * A write or force failed: the WAL is failed from now on.
     *
     * @param cause the failure
     */
    default void failed(Throwable cause) {
    }
}
