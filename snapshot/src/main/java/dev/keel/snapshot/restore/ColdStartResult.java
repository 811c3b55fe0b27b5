package dev.keel.snapshot.restore;

import dev.keel.snapshot.gate.GateDecision;
import java.time.Duration;
import java.util.Objects;

/**
 * What a successful restore-or-skip did. Immutable and thread-safe.
 *
 * @param decision the gate's decision
 * @param effectiveAppliedIndex the index the state reflects now; the engine applies entries in
 *     {@code (effectiveAppliedIndex, decision.commitIndex()]} next
 * @param bytesRead snapshot bytes read
 * @param elapsed time from the start of restore-or-skip to the effective applied index
 */
public record ColdStartResult(GateDecision decision, long effectiveAppliedIndex, long bytesRead, Duration elapsed) {
    /** @throws NullPointerException if an object argument is null */
    public ColdStartResult {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
