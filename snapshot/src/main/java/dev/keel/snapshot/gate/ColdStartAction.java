package dev.keel.snapshot.gate;

/** What restore-or-skip does with the snapshot and the log. Thread-safe (an enum). */
public enum ColdStartAction {
    /** Import the snapshot body, replacing the state; the floor is the snapshot index. */
    RESTORE,
    /** Verify the snapshot (by policy), merge its header state forward; keep the state. */
    SKIP,
    /** No snapshot and an empty state: apply the log from its first-ever entry. */
    REPLAY_FROM_START,
    /** No snapshot: apply the log after the state's own applied index. */
    RESUME
}
