package dev.keel.snapshot.gate;

import dev.keel.storage.api.coldstart.AheadOfLogException;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.DivergedLogException;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.LogGapException;
import dev.keel.storage.api.coldstart.UnknownPositionException;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cold-start gate (SPEC section 3): a pure function from {@link GateInputs} to a
 * {@link GateDecision} or a typed {@link dev.keel.storage.api.coldstart.ColdStartException}. The
 * steps run in SPEC order and the first that applies ends the decision:
 * <ol>
 *   <li>unknown position (no reader, read error, absent): restore, replay from the start, or
 *       {@link UnknownPositionException};</li>
 *   <li>{@code have > L}: {@link AheadOfLogException};</li>
 *   <li>the term at {@code have} is known and differs from {@code haveTerm}:
 *       {@link DivergedLogException};</li>
 *   <li>EXECUTED: {@code have < S.i}, restore, floor {@code S.i};</li>
 *   <li>SKIPPED: {@code S.i ≤ have ≤ L}, floor {@code have};</li>
 *   <li>RESUMED: no snapshot, floor {@code have}.</li>
 * </ol>
 * A read error on an empty store is treated as absent (there is nothing to protect); when that
 * restores the snapshot the reported reason stays {@code read_error}, the true cause.
 *
 * <p>Then the log must hold every entry after the floor ({@code F ≤ floor + 1}, and {@code F} is
 * the first-ever index when replaying from the start), else {@link LogGapException}; the commit
 * index becomes max(commit, floor). Every uncertainty restores, or fails closed where a restore
 * could lose acknowledged data. Stateless and thread-safe.
 */
public final class ColdStartGate {
    /** The index of the first entry of every Keel log (entries are numbered from 1). */
    public static final long FIRST_EVER_INDEX = 1;

    private ColdStartGate() {
    }

    /**
     * @param in the inputs at open
     * @return the decision
     * @throws UnknownPositionException if the state's position is unknown and it cannot be replaced
     * @throws AheadOfLogException if the state is ahead of every durable entry
     * @throws DivergedLogException if the state and the log disagree on the term at {@code have}
     * @throws LogGapException if the log lacks entries after the floor
     */
    public static GateDecision decide(GateInputs in) {
        Optional<SnapshotToken> s = in.snapshot();
        long si = s.map(SnapshotToken::index).orElse(-1L);
        long last = in.lastIndex();
        AppliedAnswer answer = in.applied();

        // Step 1: unknown position.
        if (answer instanceof AppliedAnswer.ReadError && in.storeEmpty()) {
            // Nothing to protect, so as if absent; a restore still reports the true reason (read_error).
            if (s.isPresent()) {
                return finish(in, ColdStartOutcome.FALLBACK, FallbackReason.READ_ERROR, ColdStartAction.RESTORE, si, -1);
            }
            answer = AppliedAnswer.absent();
        }
        if (answer instanceof AppliedAnswer.NoReader) {
            if (s.isPresent()) {
                return finish(in, ColdStartOutcome.FALLBACK, FallbackReason.NOT_READER, ColdStartAction.RESTORE, si, -1);
            }
            if (in.storeEmpty()) {
                return finish(in, ColdStartOutcome.FALLBACK, FallbackReason.NOT_READER, ColdStartAction.REPLAY_FROM_START, 0, -1);
            }
            throw new UnknownPositionException("state machine has no AppliedIndexReader, holds state, and there is no "
                    + "snapshot: replaying the log over it could apply entries twice (F=" + in.firstIndex()
                    + ", Llog=" + in.lastLogIndex() + ")");
        }
        if (answer instanceof AppliedAnswer.ReadError error) {
            if (s.isPresent() && in.role() == NodeRole.CLUSTER_MEMBER) {
                return finish(in, ColdStartOutcome.FALLBACK, FallbackReason.READ_ERROR, ColdStartAction.RESTORE, si, -1);
            }
            throw new UnknownPositionException("reading the applied index failed (" + error.cause() + ") and "
                    + (s.isEmpty() ? "there is no snapshot to restore" : "a standalone node's state may hold acknowledged "
                    + "entries no snapshot or log has") + "; refusing to replace it");
        }
        if (answer instanceof AppliedAnswer.Absent) {
            if (s.isPresent()) {
                return finish(in, ColdStartOutcome.FALLBACK, FallbackReason.MISSING_META, ColdStartAction.RESTORE, si, -1);
            }
            if (in.storeEmpty()) {
                return finish(in, ColdStartOutcome.FRESH, FallbackReason.NONE, ColdStartAction.REPLAY_FROM_START, 0, -1);
            }
            throw new UnknownPositionException("state records no applied index, holds state, and there is no snapshot "
                    + "(F=" + in.firstIndex() + ", Llog=" + in.lastLogIndex() + ")");
        }
        AppliedAnswer.Have position = (AppliedAnswer.Have) answer;
        long have = position.index();

        // Step 2: AHEAD_OF_LOG.
        if (have > last) {
            throw new AheadOfLogException(have, last);
        }
        // Step 3: DIVERGED.
        if (s.isPresent() && have == si && s.get().term() != position.term()) {
            throw new DivergedLogException(have, position.term(), s.get().term());
        }
        if (have >= in.firstIndex() && have <= in.lastLogIndex()) {
            OptionalLong logTerm = in.logTerms().termAt(have);
            if (logTerm.isPresent() && logTerm.getAsLong() != position.term()) {
                throw new DivergedLogException(have, position.term(), logTerm.getAsLong());
            }
        }
        // Steps 4-6.
        if (s.isPresent() && have < si) {
            return finish(in, ColdStartOutcome.EXECUTED, FallbackReason.NONE, ColdStartAction.RESTORE, si, have);
        }
        if (s.isPresent()) {
            return finish(in, ColdStartOutcome.SKIPPED, FallbackReason.NONE, ColdStartAction.SKIP, have, have);
        }
        return finish(in, ColdStartOutcome.RESUMED, FallbackReason.NONE, ColdStartAction.RESUME, have, have);
    }

    /** The coverage check every outcome passes, then the commit index. */
    private static GateDecision finish(GateInputs in, ColdStartOutcome outcome, FallbackReason reason,
                                       ColdStartAction action, long floor, long have) {
        if (action == ColdStartAction.REPLAY_FROM_START && in.firstIndex() != FIRST_EVER_INDEX) {
            throw new LogGapException("log gap: replaying from the start needs the log's first-ever index "
                    + FIRST_EVER_INDEX + ", but the log begins at " + in.firstIndex() + " (its prefix was compacted or lost)");
        }
        if (in.firstIndex() > floor + 1) {
            throw new LogGapException(floor, in.firstIndex());
        }
        long si = in.snapshot().map(SnapshotToken::index).orElse(-1L);
        return new GateDecision(outcome, reason, action, floor, Math.max(in.commitIndex(), floor), si, have, in.lastIndex());
    }
}
