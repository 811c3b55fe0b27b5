package dev.keel.snapshot.gate;

import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.FallbackReason;
import java.util.Objects;

/**
 * What the gate decided. Entries in {@code (floor, commitIndex]} are then applied normally.
 * Immutable and thread-safe.
 *
 * @param outcome the outcome reported to the observer
 * @param reason the fallback reason, {@link FallbackReason#NONE} unless the outcome is FALLBACK
 * @param action what restore-or-skip does
 * @param floor the index the state reflects once the action is done
 * @param commitIndex max(hard-state commit, floor)
 * @param snapshotIndex {@code S.i}, or -1 without a snapshot
 * @param have the state's applied index, or -1 when unknown
 * @param lastIndex {@code L}
 */
public record GateDecision(ColdStartOutcome outcome, FallbackReason reason, ColdStartAction action, long floor,
                           long commitIndex, long snapshotIndex, long have, long lastIndex) {
    /** @throws NullPointerException if an enum argument is null */
    public GateDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(action, "action");
    }
}
