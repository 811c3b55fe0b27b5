package dev.keel.raft.engine;

/**
 * Told what the engine's apply loop and proposer do, for metrics. Called on the engine thread:
 * keep it cheap and never block or call back into the engine. Every method has an empty default.
 */
public interface EngineListener {
    /** A listener that ignores everything. */
    EngineListener NONE = new EngineListener() { };

    /**
     * An entry was applied as new.
     *
     * @param index its index (now the applied index)
     * @param nanos how long the state machine took
     */
    default void applied(long index, long nanos) {
    }

    /**
     * A duplicate (at or below the applied index) was met during replay.
     *
     * @param index its index
     * @param reapplied whether it was volatile and so re-applied for its effect
     */
    default void duplicate(long index, boolean reapplied) {
    }

    /**
     * Entries up to {@code index} are committed (durable in the log and recorded in the hard state).
     *
     * @param index the commit index
     */
    default void committed(long index) {
    }

    /**
     * A proposal completed successfully.
     *
     * @param nanos time from {@code propose} to completion
     */
    default void proposalCompleted(long nanos) {
    }

    /**
     * A snapshot was written and recorded.
     *
     * @param index its index
     * @param bytes the file's length
     * @param nanos how long writing, recording and compacting took
     */
    default void snapshotWritten(long index, long bytes, long nanos) {
    }
}
