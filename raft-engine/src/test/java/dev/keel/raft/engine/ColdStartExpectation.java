package dev.keel.raft.engine;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * The cold-start decision table of SPEC section 3, written out again from the SPEC for a standalone
 * engine whose state machine reads its applied index without error, so the campaign can check the
 * engine's gate against an independent statement of it.
 *
 * @param outcome the outcome the table allows, or null when it refuses to open
 * @param reason the fallback reason
 * @param floor the index after which the log is replayed
 * @param refusal why the table refuses (the typed error it calls for), or null
 */
record ColdStartExpectation(ColdStartOutcome outcome, FallbackReason reason, long floor, String refusal) {
    private static final long FIRST_EVER_INDEX = 1;

    /**
     * @param snapshot the log's snapshot token S
     * @param first the log's first index F
     * @param lastLog the log's last durable index Llog
     * @param applied the store's metadata at its latest version when it records an applied index
     * @param storeEmpty whether the store has no version
     * @param termAt the log's term at an index, when known
     * @return what the table says
     */
    static ColdStartExpectation decide(Optional<SnapshotToken> snapshot, long first, long lastLog,
                                       Optional<CommitMetadata> applied, boolean storeEmpty,
                                       LongFunction<OptionalLong> termAt) {
        long si = snapshot.map(SnapshotToken::index).orElse(-1L);
        long last = Math.max(lastLog, si);
        if (applied.isEmpty()) {
            if (snapshot.isPresent()) {
                return covered(ColdStartOutcome.FALLBACK, FallbackReason.MISSING_META, si, first, false);
            }
            if (storeEmpty) {
                return covered(ColdStartOutcome.FRESH, FallbackReason.NONE, 0, first, true);
            }
            return refused("UNKNOWN_POSITION: the store holds state without an applied index and there is no snapshot");
        }
        long have = applied.get().appliedIndex();
        long haveTerm = applied.get().appliedTerm();
        if (have > last) {
            return refused("AHEAD_OF_LOG: the store is at " + have + ", the durable log and snapshot end at " + last);
        }
        OptionalLong term = have == si ? OptionalLong.of(snapshot.get().term())
                : have >= first && have <= lastLog ? termAt.apply(have) : OptionalLong.empty();
        if (term.isPresent() && term.getAsLong() != haveTerm) {
            return refused("DIVERGED: the store's entry " + have + " has term " + haveTerm + ", the log's " + term.getAsLong());
        }
        if (snapshot.isPresent() && have < si) {
            return covered(ColdStartOutcome.EXECUTED, FallbackReason.NONE, si, first, false);
        }
        if (snapshot.isPresent()) {
            return covered(ColdStartOutcome.SKIPPED, FallbackReason.NONE, have, first, false);
        }
        return covered(ColdStartOutcome.RESUMED, FallbackReason.NONE, have, first, false);
    }

    /** Every outcome still needs the log to hold each entry after its floor (else LOG_GAP). */
    private static ColdStartExpectation covered(ColdStartOutcome outcome, FallbackReason reason, long floor, long first,
                                                boolean fromStart) {
        if (fromStart && first != FIRST_EVER_INDEX) {
            return refused("LOG_GAP: replaying from the start but the log begins at " + first);
        }
        if (first > floor + 1) {
            return refused("LOG_GAP: the floor is " + floor + " but the log begins at " + first);
        }
        return new ColdStartExpectation(outcome, reason, floor, null);
    }

    private static ColdStartExpectation refused(String why) {
        return new ColdStartExpectation(null, FallbackReason.NONE, -1, why);
    }
}
