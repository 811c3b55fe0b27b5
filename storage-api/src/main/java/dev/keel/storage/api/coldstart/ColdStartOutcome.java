package dev.keel.storage.api.coldstart;

/**
 * How an open reached its starting state (SPEC section 3, "The gate"). Thread-safe (an enum).
 */
public enum ColdStartOutcome {
    /** No snapshot and an empty state: the log is replayed from its start. */
    FRESH,
    /** No snapshot; the state's own applied index is the floor. */
    RESUMED,
    /** The state is at least as fresh as the snapshot: the body was not restored. */
    SKIPPED,
    /** The state was behind the snapshot: the snapshot was restored. */
    EXECUTED,
    /** The state's position was unknown: the snapshot was restored (or the log replayed). */
    FALLBACK
}
