package dev.keel.snapshot.gate;

import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the cold-start gate decides from (SPEC section 3, "The gate"). Immutable and
 * thread-safe when {@code logTerms} is.
 *
 * <p>Log bounds follow the usual convention: an empty log has {@code lastLogIndex = firstIndex - 1}.
 * Keel numbers log entries from {@link ColdStartGate#FIRST_EVER_INDEX} (1), so "F is the log's
 * first-ever index" — required to replay from the start — is {@code firstIndex == 1}: a log
 * starting later has lost (or compacted away) a prefix that only a snapshot could stand for.
 *
 * @param snapshot the latest snapshot token {@code S}, if the log records one
 * @param firstIndex {@code F}, the log's first durable index, at least 1
 * @param lastLogIndex {@code Llog}, the log's last durable index, at least {@code F - 1}
 * @param logTerms the terms of indexes {@code F..Llog}
 * @param commitIndex the hard state's commit index
 * @param storeEmpty whether the state machine holds no state at all
 * @param role standalone or cluster member
 * @param applied what the state machine's {@code AppliedIndexReader} answered
 */
public record GateInputs(Optional<SnapshotToken> snapshot, long firstIndex, long lastLogIndex, LogTerms logTerms,
                         long commitIndex, boolean storeEmpty, NodeRole role, AppliedAnswer applied) {
    /**
     * @throws NullPointerException if an object argument is null
     * @throws IllegalArgumentException if the log bounds or commit index are impossible
     */
    public GateInputs {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(logTerms, "logTerms");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(applied, "applied");
        if (firstIndex < ColdStartGate.FIRST_EVER_INDEX || lastLogIndex < firstIndex - 1) {
            throw new IllegalArgumentException("impossible log bounds: first " + firstIndex + ", last " + lastLogIndex);
        }
        if (commitIndex < 0) {
            throw new IllegalArgumentException("commit index must be >= 0: " + commitIndex);
        }
    }

    /** @return {@code L} = max({@code Llog}, {@code S.i}) */
    public long lastIndex() {
        return Math.max(lastLogIndex, snapshot.map(SnapshotToken::index).orElse(0L));
    }
}
