package dev.keel.snapshot.gate;

import static dev.keel.storage.api.coldstart.ColdStartOutcome.EXECUTED;
import static dev.keel.storage.api.coldstart.ColdStartOutcome.FALLBACK;
import static dev.keel.storage.api.coldstart.ColdStartOutcome.FRESH;
import static dev.keel.storage.api.coldstart.ColdStartOutcome.RESUMED;
import static dev.keel.storage.api.coldstart.ColdStartOutcome.SKIPPED;
import static dev.keel.storage.api.coldstart.FallbackReason.MISSING_META;
import static dev.keel.storage.api.coldstart.FallbackReason.NONE;
import static dev.keel.storage.api.coldstart.FallbackReason.NOT_READER;
import static dev.keel.storage.api.coldstart.FallbackReason.READ_ERROR;
import static dev.keel.snapshot.gate.ColdStartAction.REPLAY_FROM_START;
import static dev.keel.snapshot.gate.ColdStartAction.RESTORE;
import static dev.keel.snapshot.gate.ColdStartAction.RESUME;
import static dev.keel.snapshot.gate.ColdStartAction.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.coldstart.AheadOfLogException;
import dev.keel.storage.api.coldstart.ColdStartException;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.DivergedLogException;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.LogGapException;
import dev.keel.storage.api.coldstart.UnknownPositionException;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate as a table: one row per step of SPEC section 3's procedure, the coverage check and the
 * boundaries. Unless a row says otherwise: snapshot S = (10, term 2); log F = 11, Llog = 20 (every
 * entry term 2); commit 15; cluster member; the store holds state.
 */
class ColdStartGateTest {

    /** Builder of gate inputs with the defaults above. */
    private static final class In {
        private Optional<SnapshotToken> snapshot = Optional.of(token(10, 2));
        private long first = 11;
        private long lastLog = 20;
        private final Map<Long, Long> termOverrides = new HashMap<>();
        private final java.util.Set<Long> unreadable = new java.util.HashSet<>();
        private long commit = 15;
        private boolean empty;
        private NodeRole role = NodeRole.CLUSTER_MEMBER;
        private AppliedAnswer applied = AppliedAnswer.have(15, 2);

        In snap(long index, long term) {
            snapshot = Optional.of(token(index, term));
            return this;
        }

        In noSnap() {
            snapshot = Optional.empty();
            return this;
        }

        In log(long f, long l) {
            first = f;
            lastLog = l;
            return this;
        }

        In term(long index, long term) {
            termOverrides.put(index, term);
            return this;
        }

        In unreadableTerm(long index) {
            unreadable.add(index);
            return this;
        }

        In commit(long c) {
            commit = c;
            return this;
        }

        In empty() {
            empty = true;
            return this;
        }

        In standalone() {
            role = NodeRole.STANDALONE;
            return this;
        }

        In have(long index, long term) {
            applied = AppliedAnswer.have(index, term);
            return this;
        }

        In answer(AppliedAnswer a) {
            applied = a;
            return this;
        }

        GateInputs build() {
            long f = first;
            long l = lastLog;
            Map<Long, Long> overrides = Map.copyOf(termOverrides);
            java.util.Set<Long> gaps = java.util.Set.copyOf(unreadable);
            LogTerms terms = i -> {
                assertTrue(i >= f && i <= l, "the gate asked for the term of " + i + " outside [" + f + ", " + l + "]");
                return gaps.contains(i) ? OptionalLong.empty() : OptionalLong.of(overrides.getOrDefault(i, 2L));
            };
            return new GateInputs(snapshot, first, lastLog, terms, commit, empty, role, applied);
        }

        @Override
        public String toString() {
            return "S=" + snapshot.map(t -> t.index() + "/" + t.term()).orElse("none") + " F=" + first + " Llog=" + lastLog
                    + " commit=" + commit + (empty ? " empty" : "") + " " + role + " " + applied;
        }
    }

    private static SnapshotToken token(long index, long term) {
        return new SnapshotToken(index, term, 100, 0x1234, 0x5678);
    }

    private static In in() {
        return new In();
    }

    /** A row: inputs and either a decision or an exception type. */
    record Row(String name, In in, ColdStartOutcome outcome, FallbackReason reason, ColdStartAction action, long floor,
               long commit, Class<? extends ColdStartException> error) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row ok(String name, In in, ColdStartOutcome o, FallbackReason r, ColdStartAction a, long floor, long commit) {
        return new Row(name, in, o, r, a, floor, commit, null);
    }

    private static Row fails(String name, In in, Class<? extends ColdStartException> error) {
        return new Row(name, in, null, null, null, -1, -1, error);
    }

    static Stream<Row> table() {
        return Stream.of(
                // Step 1: unknown position — no reader.
                ok("no reader, snapshot: restore (not_reader)", in().answer(AppliedAnswer.noReader()),
                        FALLBACK, NOT_READER, RESTORE, 10, 15),
                ok("no reader, no snapshot, empty store, log from 1: replay from start (not_reader)",
                        in().noSnap().log(1, 20).commit(3).empty().answer(AppliedAnswer.noReader()),
                        FALLBACK, NOT_READER, REPLAY_FROM_START, 0, 3),
                fails("no reader, no snapshot, store holds state: unknown position",
                        in().noSnap().log(1, 20).answer(AppliedAnswer.noReader()), UnknownPositionException.class),
                fails("no reader, no snapshot, empty store, log compacted (F=5): log gap",
                        in().noSnap().log(5, 20).empty().answer(AppliedAnswer.noReader()), LogGapException.class),
                // Step 1 — read error.
                ok("read error, snapshot, cluster member: restore (read_error)",
                        in().answer(AppliedAnswer.readError("io")), FALLBACK, READ_ERROR, RESTORE, 10, 15),
                fails("read error, snapshot, standalone: unknown position",
                        in().standalone().answer(AppliedAnswer.readError("io")), UnknownPositionException.class),
                fails("read error, no snapshot, cluster member: unknown position",
                        in().noSnap().log(1, 20).answer(AppliedAnswer.readError("io")), UnknownPositionException.class),
                ok("read error, empty store, no snapshot: as absent, fresh",
                        in().noSnap().log(1, 20).empty().standalone().answer(AppliedAnswer.readError("io")),
                        FRESH, NONE, REPLAY_FROM_START, 0, 15),
                ok("read error, empty store, snapshot, standalone: as absent, restore (read_error)",
                        in().empty().standalone().answer(AppliedAnswer.readError("io")),
                        FALLBACK, READ_ERROR, RESTORE, 10, 15),
                // Step 1 — absent.
                ok("absent, snapshot: restore (missing_meta)", in().answer(AppliedAnswer.absent()),
                        FALLBACK, MISSING_META, RESTORE, 10, 15),
                ok("absent, snapshot, standalone, store holds state: restore (missing_meta)",
                        in().standalone().answer(AppliedAnswer.absent()), FALLBACK, MISSING_META, RESTORE, 10, 15),
                ok("absent, no snapshot, empty store, log from 1: fresh",
                        in().noSnap().log(1, 20).commit(0).empty().answer(AppliedAnswer.absent()),
                        FRESH, NONE, REPLAY_FROM_START, 0, 0),
                ok("absent, no snapshot, empty store, empty log: fresh",
                        in().noSnap().log(1, 0).commit(0).empty().answer(AppliedAnswer.absent()),
                        FRESH, NONE, REPLAY_FROM_START, 0, 0),
                fails("absent, no snapshot, empty store, log begins at 2: log gap (not first-ever index)",
                        in().noSnap().log(2, 20).empty().answer(AppliedAnswer.absent()), LogGapException.class),
                fails("absent, no snapshot, store holds state: unknown position",
                        in().noSnap().log(1, 20).answer(AppliedAnswer.absent()), UnknownPositionException.class),
                // Step 2: AHEAD_OF_LOG.
                fails("have == L + 1: ahead of log", in().have(21, 2), AheadOfLogException.class),
                ok("have == L: skipped, floor L", in().have(20, 2), SKIPPED, NONE, SKIP, 20, 20),
                fails("no snapshot, have == Llog + 1: ahead of log", in().noSnap().log(1, 20).have(21, 2),
                        AheadOfLogException.class),
                fails("L == S.i (empty log after snapshot), have == S.i + 1: ahead of log",
                        in().snap(20, 2).log(21, 20).have(21, 2), AheadOfLogException.class),
                ok("L == S.i, have == S.i: skipped", in().snap(20, 2).log(21, 20).commit(20).have(20, 2),
                        SKIPPED, NONE, SKIP, 20, 20),
                ok("L == S.i, have == S.i - 1: executed", in().snap(20, 2).log(21, 20).commit(20).have(19, 2),
                        EXECUTED, NONE, RESTORE, 20, 20),
                // Step 3: DIVERGED.
                fails("term at have in the log differs: diverged", in().term(15, 3).have(15, 2), DivergedLogException.class),
                fails("have == S.i with another term than S.t: diverged", in().have(10, 1), DivergedLogException.class),
                fails("no snapshot, term at have differs: diverged", in().noSnap().log(1, 20).have(7, 1),
                        DivergedLogException.class),
                ok("term at have unknown (below F, not S.i): no divergence check, executed",
                        in().have(5, 9), EXECUTED, NONE, RESTORE, 10, 15),
                ok("term at have unreadable: treated as unknown, skipped",
                        in().unreadableTerm(15).have(15, 9), SKIPPED, NONE, SKIP, 15, 15),
                // Step 4: EXECUTED.
                ok("have == S.i - 1: executed, floor S.i", in().log(10, 20).have(9, 2), EXECUTED, NONE, RESTORE, 10, 15),
                ok("have far behind, commit below snapshot: commit raised to floor", in().commit(4).have(3, 1),
                        EXECUTED, NONE, RESTORE, 10, 10),
                // Step 5: SKIPPED.
                ok("have == S.i: skipped, floor S.i", in().have(10, 2), SKIPPED, NONE, SKIP, 10, 15),
                ok("S.i < have < L: skipped, floor have", in().have(17, 2), SKIPPED, NONE, SKIP, 17, 17),
                ok("skipped, commit above have kept", in().commit(19).have(12, 2), SKIPPED, NONE, SKIP, 12, 19),
                // Step 6: RESUMED.
                ok("no snapshot: resumed, floor have", in().noSnap().log(1, 20).have(15, 2), RESUMED, NONE, RESUME, 15, 15),
                ok("no snapshot, compacted log F == have + 1: resumed", in().noSnap().log(16, 20).have(15, 2),
                        RESUMED, NONE, RESUME, 15, 15),
                // Coverage: F <= floor + 1.
                ok("F == floor + 1 after restore: ok", in().log(11, 20).have(4, 1), EXECUTED, NONE, RESTORE, 10, 15),
                fails("F == floor + 2 after restore: log gap", in().log(12, 20).have(4, 1), LogGapException.class),
                fails("F == floor + 2 after skip: log gap", in().log(12, 20).have(10, 2), LogGapException.class),
                fails("F == floor + 2 after resume: log gap", in().noSnap().log(17, 20).have(15, 2), LogGapException.class),
                fails("F == floor + 2 after fallback restore: log gap",
                        in().log(12, 20).answer(AppliedAnswer.absent()), LogGapException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesEachRowOfTheTable(Row row) {
        GateInputs inputs = row.in().build();
        if (row.error() != null) {
            ColdStartException e = assertThrows(ColdStartException.class, () -> ColdStartGate.decide(inputs), row.in().toString());
            assertEquals(row.error(), e.getClass(), row.name() + ": " + e.getMessage());
            return;
        }
        GateDecision d = ColdStartGate.decide(inputs);
        assertEquals(row.outcome(), d.outcome(), row.in().toString());
        assertEquals(row.reason(), d.reason(), row.in().toString());
        assertEquals(row.action(), d.action(), row.in().toString());
        assertEquals(row.floor(), d.floor(), "floor");
        assertEquals(row.commit(), d.commitIndex(), "commit index");
        assertEquals(inputs.snapshot().map(SnapshotToken::index).orElse(-1L), d.snapshotIndex());
        assertEquals(inputs.lastIndex(), d.lastIndex());
        if (inputs.applied() instanceof AppliedAnswer.Have h) {
            assertEquals(h.index(), d.have());
        } else {
            assertEquals(-1, d.have());
        }
    }

    @Test
    void errorsCarryTheFactsOfTheRefusal() {
        AheadOfLogException ahead = assertThrows(AheadOfLogException.class, () -> ColdStartGate.decide(in().have(21, 2).build()));
        assertTrue(ahead.getMessage().contains("21") && ahead.getMessage().contains("20"), ahead.getMessage());
        DivergedLogException diverged = assertThrows(DivergedLogException.class,
                () -> ColdStartGate.decide(in().term(15, 3).have(15, 2).build()));
        assertTrue(diverged.getMessage().contains("index 15: state term 2, log term 3"), diverged.getMessage());
        LogGapException gap = assertThrows(LogGapException.class, () -> ColdStartGate.decide(in().log(12, 20).have(10, 2).build()));
        assertTrue(gap.getMessage().contains("after index 10") && gap.getMessage().contains("begins at 12"), gap.getMessage());
    }

    @Test
    void metadataWithoutAConsensusPositionIsAbsent() {
        assertEquals(AppliedAnswer.absent(), AppliedAnswer.of(Optional.empty()));
        assertEquals(AppliedAnswer.absent(), AppliedAnswer.of(Optional.of(CommitMetadata.EMPTY)));
        assertEquals(AppliedAnswer.have(7, 3), AppliedAnswer.of(Optional.of(CommitMetadata.atPosition(7, 3))));
    }

    @Test
    void impossibleLogBoundsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> in().log(0, 5).build());
        assertThrows(IllegalArgumentException.class, () -> in().log(10, 8).build());
    }

    @Test
    void equalInputsBuiltSeparatelyGiveEqualDecisions() {
        // The gate is a pure function: two separately built, equal inputs decide alike.
        GateDecision first = ColdStartGate.decide(in().have(17, 2).build());
        GateDecision second = ColdStartGate.decide(in().have(17, 2).build());
        assertEquals(first, second);
        assertEquals(ColdStartOutcome.SKIPPED, first.outcome(), "snapshot 10 <= have 17 <= last log 20");
        assertEquals(17, first.floor());
    }
}
