package dev.keel.storage.api.coldstart;

import java.time.Duration;
import java.util.Objects;

/**
 * What one successful open did, delivered once to the {@link ColdStartObserver} after the outcome
 * succeeded. Immutable and thread-safe.
 *
 * @param store a name for the store (its directory or configured name), for labels
 * @param outcome the gate's outcome
 * @param reason the fallback reason ({@link FallbackReason#NONE} unless the outcome is FALLBACK)
 * @param snapshotIndex the snapshot token's index {@code S.i}, or -1 without a snapshot
 * @param have the state's own applied index, or -1 when unknown
 * @param lastIndex {@code L} = max(last durable log index, {@code S.i})
 * @param floor the index after which the log was replayed
 * @param commitIndex the commit index the replay went up to
 * @param bytesRead snapshot bytes read during the open
 * @param elapsed time from the start of restore-or-skip to the effective applied index
 */
public record ColdStartReport(String store, ColdStartOutcome outcome, FallbackReason reason, long snapshotIndex,
                              long have, long lastIndex, long floor, long commitIndex, long bytesRead,
                              Duration elapsed) {
    /** @throws NullPointerException if an object argument is null */
    public ColdStartReport {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** @return how far the state was behind the last log index ({@code L - have}), or -1 when unknown */
    public long gap() {
        return have < 0 ? -1 : Math.max(0, lastIndex - have);
    }
}
