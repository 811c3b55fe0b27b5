package dev.keel.raft.engine;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.crypto.AesGcmSealer;
import dev.keel.raft.crypto.StaticKeyProvider;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.KeyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One cycle of the power-loss campaign (SPEC sections 6 and 8: "a file-I/O layer that simulates
 * power loss … with the store, whose native writes bypass that layer, reverted to a randomly
 * chosen version no older than its last durable one").
 *
 * <ol>
 *   <li><b>Load and cut.</b> A fresh engine (WAL on a {@link SimulatedDirectory}, snapshots and the
 *       store on real files) runs under concurrent proposers; at the aimed-at event a
 *       {@link PowerCut} takes what a reboot would find. The engine runs on, and is then closed.</li>
 *   <li><b>What the reboot finds.</b> The WAL is the power-loss image. The snapshot directory is
 *       the copy taken at the cut, with the durability rules applied conservatively: the file the
 *       log's token names must be there (it was fsynced, renamed and the directory fsynced before
 *       the token was logged); any other snapshot may be gone (its rename or deletion may not be
 *       durable); a temporary file may be gone, whole, or cut short. The store is rolled back to a
 *       random version no older than its last durable one: with synced commits every version it
 *       reported at the cut (and the commit in flight may have landed); without, any retained
 *       version.</li>
 *   <li><b>Optionally, a second cut</b> while the engine cold-starts on that state (WAL repair,
 *       restore, replay, the tail's commit); an interrupted restore leaves the old store.</li>
 *   <li><b>Reopen and check</b>: the cold-start outcome is the one the decision table gives for the
 *       recovered inputs ({@link ColdStartExpectation}); everything durable is applied and the
 *       store's applied index is that of the last versioned entry; the store equals a fresh store
 *       of the same backend fed the recovered history (version, commitment, metadata but the clock
 *       ceiling, content); every acknowledged proposal is there and no proposal is half there; the
 *       entry at each index is the one the first run applied there; the engine takes a new
 *       proposal, and its clock, with the wall clock set far back, issues a timestamp above every
 *       one issued before the cut.</li>
 * </ol>
 * Every random choice comes from the cycle's seed; the threads' interleaving does not, so a rerun
 * of a seed replays the same scenario (backend, encryption, aim, tear, store rule) on a new schedule.
 */
final class PowerLossCycle {
    private static final long LOAD_LIMIT_MS = 4_000;
    private static final CrashPoint[] LOAD_TARGETS = {CrashPoint.WAL_GROUP_COMMIT, CrashPoint.SEGMENT_ROLLOVER,
        CrashPoint.STORE_COMMIT, CrashPoint.SNAPSHOT_BODY, CrashPoint.SNAPSHOT_TOKEN, CrashPoint.COMPACTION, null};
    private static final CrashPoint[] REOPEN_TARGETS = {CrashPoint.REOPEN_WAL_RECOVERY, CrashPoint.REOPEN_RESTORE,
        CrashPoint.REOPEN_REPLAY, CrashPoint.REOPEN_TAIL_COMMIT};

    /**
     * What a cut aims at.
     *
     * @param point the point, or null for the first event after {@code delayMillis}
     * @param ordinal the k-th event of the point
     * @param delayMillis for a random instant
     */
    record Target(CrashPoint point, int ordinal, long delayMillis) {
        @Override
        public String toString() {
            return point == null ? "any instant after " + delayMillis + " ms" : point + " #" + ordinal;
        }
    }

    /** Everything a seed decides. */
    record Params(long seed, String backend, boolean encryption, boolean cutoverFirst, boolean storeSync,
                  int snapshotEvery, long segmentBytes, int proposers, int window, long forceDelayMicros,
                  VerificationPolicy policy, boolean tear, Target load, Target reopen, long loadSeed, long cutSeed,
                  long recoverSeed) {
        static Params draw(long seed) {
            Random r = new Random(seed);
            String backend = r.nextBoolean() ? "flatkv" : "tree";
            boolean encryption = r.nextBoolean();
            boolean tear = r.nextInt(4) != 0;
            Target reopen = null;
            if (r.nextInt(100) < 35) {
                CrashPoint rp = REOPEN_TARGETS[r.nextInt(REOPEN_TARGETS.length)];
                reopen = new Target(rp, 1 + r.nextInt(rp.maxOrdinal), 0);
            }
            Target load;
            if (reopen != null && reopen.point() == CrashPoint.REOPEN_WAL_RECOVERY) {
                // Recovery writes only to repair a torn tail: the first cut tears a batch being forced.
                load = new Target(CrashPoint.WAL_GROUP_COMMIT, 1 + r.nextInt(CrashPoint.WAL_GROUP_COMMIT.maxOrdinal), 0);
                tear = true;
            } else {
                CrashPoint lp = LOAD_TARGETS[r.nextInt(LOAD_TARGETS.length)];
                load = lp == null ? new Target(null, 0, r.nextInt(400)) : new Target(lp, 1 + r.nextInt(lp.maxOrdinal), 0);
            }
            // A reopen cut needs work to interrupt: a store that may fall behind (unsynced commits).
            boolean storeSync = reopen == null && r.nextBoolean();
            return new Params(seed, backend, encryption, encryption && r.nextBoolean(), storeSync, 2 + r.nextInt(14),
                    r.nextBoolean() ? 4096 : 8192, 2 + r.nextInt(3), 1 + r.nextInt(3),
                    r.nextInt(4) == 0 ? 0 : 20 + r.nextInt(200), r.nextBoolean() ? VerificationPolicy.HEADER
                    : VerificationPolicy.FULL, tear, load, reopen, r.nextLong(), r.nextLong(), r.nextLong());
        }

        String describe() {
            return "backend=" + backend + " encryption=" + encryption + (cutoverFirst ? " (cutover first)" : "")
                    + " storeSync=" + storeSync + " snapshotEvery=" + snapshotEvery + " segmentBytes=" + segmentBytes
                    + " proposers=" + proposers + "x" + window + " forceDelay=" + forceDelayMicros + "us policy=" + policy
                    + " tear=" + tear + " aim=" + load + (reopen == null ? "" : " reopenAim=" + reopen);
        }
    }

    /**
     * What a cycle did.
     *
     * @param loadCut where the first cut landed
     * @param aimedAnyInstant whether it aimed at a random instant
     * @param reopenCut where the second cut landed, or null
     * @param outcome the final open's cold-start outcome
     * @param reason its fallback reason
     * @param lastIndex the recovered log's last index (or snapshot index)
     * @param acked proposals acknowledged before the first cut
     * @param storeReverted whether the store lost versions it had at the cut
     * @param snapshot whether the recovered log names a snapshot
     * @param temporaryFiles temporary snapshot files the final reboot found (the open must remove them)
     * @param millis the cycle's wall time
     */
    record Result(CrashPoint loadCut, boolean aimedAnyInstant, CrashPoint reopenCut, ColdStartOutcome outcome,
                  FallbackReason reason, long lastIndex, int acked, boolean storeReverted, boolean snapshot,
                  int temporaryFiles, long millis) {
        String describe() {
            return "cut=" + loadCut + (aimedAnyInstant ? "(any instant)" : "") + (reopenCut == null ? "" : " reopenCut=" + reopenCut)
                    + " outcome=" + outcome + (reason == FallbackReason.NONE ? "" : "(" + reason.label() + ")")
                    + " L=" + lastIndex + " acked=" + acked + (storeReverted ? " storeReverted" : "")
                    + (snapshot ? " snapshot" : "") + (temporaryFiles > 0 ? " tmpFiles=" + temporaryFiles : "")
                    + " " + millis + "ms";
        }
    }

    /**
     * The state a reboot finds; the store is rolled back when it is next opened.
     *
     * @param wal the WAL's durable image
     * @param snapshots the snapshot directory after the durability rules
     * @param cut the cut, which bounds the store's rollback
     * @param reopenAim the point a cut during the next open aims at, if any: an unsynced store is then
     *     rolled far back, so that the open has a restore or a replay to interrupt
     * @param temporaryFiles how many temporary files of interrupted snapshot writes the snapshot directory holds
     */
    private record Recovered(SimulatedDirectory wal, Path snapshots, PowerCut.Image cut, CrashPoint reopenAim,
                             int temporaryFiles) {
    }

    private final Params p;
    private final Path root;
    private final Path storeDirectory;
    private final Random recoverRandom;
    private boolean storeLostVersions;
    /** The version the last reboot found: on disk since, whatever the store's sync setting. */
    private long storeFoundAtReboot;
    private final KeyProvider keys = StaticKeyProvider.random(new SecureRandom(), 1, 2);
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final Map<Long, LogEntry> history = new ConcurrentHashMap<>();
    private final List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder trace = new StringBuilder();
    private final long started = System.nanoTime();

    PowerLossCycle(Params params, Path root) {
        this.p = params;
        this.root = root;
        this.storeDirectory = root.resolve("store");
        this.recoverRandom = new Random(params.recoverSeed);
    }

    /** @return what happened so far, for a failure message */
    String trace() {
        return trace.toString();
    }

    Result run() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(root);
        ProposalLoad load = new ProposalLoad(p.proposers, p.window, p.encryption, p.loadSeed, wall);
        PowerCut.Image first = runUnderLoad(load);
        note("cut 1 at " + first.point() + ": " + first.where() + "; store at v" + first.storeLatest()
                + (first.commitInFlight() ? " (+1 in flight)" : "") + ", " + first.acked().proposals().size()
                + " proposals acknowledged, timestamps issued up to " + first.acked().maxTimestamp());
        Recovered state = recover(first, 1, p.reopen == null ? null : p.reopen.point());
        CrashPoint reopenCut = null;
        if (p.reopen != null) {
            PowerCut.Image second = reopenAndCut(state, first.acked());
            reopenCut = second.point();
            note("cut 2 at " + second.point() + ": " + second.where() + "; store at v" + second.storeLatest()
                    + (second.commitInFlight() ? " (+1 in flight)" : ""));
            state = recover(second, 2, null);
        }
        Verified v = reopenAndVerify(state, first.acked(), load);
        return new Result(first.point(), first.anyInstant(), reopenCut, v.report.outcome(), v.report.reason(), v.lastIndex,
                first.acked().proposals().size(), storeLostVersions, v.snapshot, state.temporaryFiles(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void note(String line) {
        trace.append(String.format("  %6d ms  ", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))).append(line)
                .append('\n');
    }

    // ------------------------------------------------------------------ step 1: load and cut

    private PowerCut.Image runUnderLoad(ProposalLoad load) throws Exception {
        Path snapshots = root.resolve("snapshots-0");
        SimulatedDirectory wal = new SimulatedDirectory();
        wal.setForceDelayNanos(TimeUnit.MICROSECONDS.toNanos(p.forceDelayMicros));
        PowerCut cut = new PowerCut(p.load.point(), p.load.ordinal(), TimeUnit.MILLISECONDS.toNanos(p.load.delayMillis()),
                false, p.tear, new Random(p.cutSeed), wal, snapshots, root.resolve("cut-1"), load::acknowledged);
        wal.setOperationListener(cut);
        try (wal) {
            Engine engine = open(wal, snapshots, stateMachine(cut, Stores.open(p.backend, storeDirectory, storeOptions())));
            try {
                ColdStartReport fresh = Node.await(engine.ready());
                check(fresh.outcome() == ColdStartOutcome.FRESH, "a new engine opens FRESH, not " + fresh.outcome());
                if (p.cutoverFirst) {
                    Node.await(engine.rotateKey(1));
                }
                note("engine open and empty");
                cut.arm();
                load.start(engine);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_LIMIT_MS);
                while (!cut.fired() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                load.stop();
                note("load stopped after " + load.proposed() + " proposals");
                if (!cut.fired()) {
                    check(load.awaitQuiet(TimeUnit.SECONDS.toMillis(Node.TIMEOUT_S)), "proposals still outstanding");
                    // A request queued behind everything: once answered, the engine thread is idle.
                    Node.await(engine.snapshot().handle((token, e) -> token));
                    cut.cutIdle(CrashPoint.IDLE, "aim " + p.load + " not reached in " + load.proposed()
                            + " proposals; load stopped and drained");
                }
            } finally {
                try {
                    load.stop();
                } finally {
                    engine.close();
                }
            }
        } finally {
            wal.setOperationListener(null);
        }
        List<String> unexpected = load.unexpected();
        check(unexpected.isEmpty(), "proposals failed while the engine was running: " + unexpected);
        return cut.image();
    }

    // ------------------------------------------------------------------ step 2: what a reboot finds

    private Recovered recover(PowerCut.Image image, int n, CrashPoint reopenAim) throws IOException {
        Random random = recoverRandom;
        Optional<SnapshotToken> token;
        try (SegmentedLogStorage log = readOnly(image.wal())) {
            token = log.snapshotToken();
        }
        Path snapshots = root.resolve("snapshots-" + n);
        Files.createDirectories(snapshots);
        String named = token.map(PowerLossCycle::snapshotName).orElse(null);
        List<Path> files;
        try (Stream<Path> list = Files.list(image.snapshots())) {
            files = list.sorted().toList();
        }
        List<String> kept = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            Path to = snapshots.resolve(name);
            if (name.equals(named)) {
                Files.copy(f, to);
            } else if (name.endsWith(".tmp")) {
                // Never forced under its final name: it may be gone, whole, or cut short.
                int fate = random.nextInt(3);
                if (fate > 0) {
                    byte[] bytes = Files.readAllBytes(f);
                    Files.write(to, fate == 1 ? bytes : Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)));
                }
            } else if (random.nextBoolean()) {
                // A snapshot the token does not name: its rename or its deletion may not be durable.
                Files.copy(f, to);
            }
            if (Files.exists(to)) {
                kept.add(name + (name.equals(named) ? "*" : ""));
            }
        }
        if (named != null && !Files.exists(snapshots.resolve(named))) {
            throw new AssertionError("the log's snapshot token " + token.get() + " names " + named
                    + ", which was not in the snapshot directory at the cut (it must be durable before the token is)");
        }
        note("reboot " + n + ": token " + token.map(t -> t.index() + "/" + t.term()).orElse("none") + ", snapshot files " + kept);
        return new Recovered(image.wal(), snapshots, image, reopenAim,
                (int) kept.stream().filter(k -> k.endsWith(".tmp")).count());
    }

    /** Opens the store as the reboot finds it: rolled back to a version no older than its last durable one. */
    private VersionedStore openStore(Recovered state) {
        VersionedStore store = Stores.open(p.backend, storeDirectory, storeOptions());
        try {
            revert(store, state.cut(), state.reopenAim());
            return store;
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    private void revert(VersionedStore store, PowerCut.Image image, CrashPoint reopenAim) {
        long latest = store.latestVersion();
        // A restore's switch is durable, so the store cannot go back beyond the version it installed.
        long oldest = Math.max(Math.max(store.oldestRetainedVersion(), image.storeOldest()), storeFoundAtReboot);
        long atCut = image.storeLatest();
        check(latest >= atCut, "the store reports version " + latest + " after the run went on, but " + atCut
                + " at the cut");
        // Synced commits: every version reported at the cut is durable, and the commit in flight may be.
        long newest = Math.min(latest, atCut + (image.commitInFlight() ? 1 : 0));
        long lowest = Math.min(atCut, newest);
        if (!p.storeSync) {
            // Unsynced commits: any version since the last reboot (or restore) may be the last durable
            // one. Rule 0 loses them all, 1 keeps any number, 2 keeps those reported at the cut; a
            // reopen aiming at a restore mostly gets rule 0, one aiming at a replay rule 1.
            int rule = recoverRandom.nextInt(3);
            if (reopenAim == CrashPoint.REOPEN_RESTORE) {
                rule = rule == 2 ? 1 : 0;
            } else if (reopenAim == CrashPoint.REOPEN_REPLAY) {
                rule = 1;
            }
            lowest = rule == 2 ? lowest : oldest;
            newest = rule == 0 ? oldest : newest;
        }
        long v = Math.min(newest, lowest + (long) (recoverRandom.nextDouble() * (newest - lowest + 1)));
        store.rollbackTo(v);
        note("store rolled back to v" + v + " (at the cut v" + atCut + (image.commitInFlight() ? "+1 in flight" : "")
                + ", retained from v" + oldest + ", the run ended at v" + latest + ", sync=" + p.storeSync + ")");
        storeLostVersions |= v < atCut;
        storeFoundAtReboot = v;
    }

    // ------------------------------------------------------------------ step 3: a cut during the reopen

    private PowerCut.Image reopenAndCut(Recovered state, ProposalLoad.Acknowledged acked) throws Exception {
        LogView log = readLog(state.wal());
        VersionedStore store = openStore(state);
        PowerCut cut;
        ObservedStateMachine sm;
        try {
            int ordinal = p.reopen.ordinal();
            if (p.reopen.point() == CrashPoint.REOPEN_REPLAY) {
                // Snapshots are frequent, so few entries may follow the floor: aim at one of those there are.
                ColdStartExpectation expected = expect(log, store);
                long replayed = expected.outcome() == null ? 0 : log.entries().values().stream()
                        .filter(e -> e.index() > expected.floor() && !isLease(e)).count();
                ordinal = (int) Math.max(1, Math.min(ordinal, replayed));
            }
            cut = new PowerCut(p.reopen.point(), ordinal, 0, true, p.tear, new Random(p.cutSeed + 1), state.wal(),
                    state.snapshots(), root.resolve("cut-2"), () -> acked);
            sm = stateMachine(cut, store);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        state.wal().setOperationListener(cut);
        cut.arm();
        try {
            Engine engine = open(state.wal(), state.snapshots(), sm);
            try {
                try {
                    ColdStartReport r = engine.ready().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
                    note("reopen under cut 2: " + r.outcome() + " " + r.reason().label());
                } catch (ExecutionException e) {
                    if (!cut.fired() || !causedByCut(e.getCause())) {
                        throw new AssertionError("the reopen under the second cut failed", e.getCause());
                    }
                    note("reopen under cut 2: stopped by the cut (" + e.getCause().getMessage() + ")");
                }
                cut.cutIdle(CrashPoint.REOPEN_READY, "aim " + p.reopen + " not reached before ready");
            } finally {
                engine.close();
            }
        } finally {
            state.wal().setOperationListener(null);
        }
        return cut.image();
    }

    private static boolean causedByCut(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PowerCut.PowerCutException) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ step 4: reopen and check

    private record Verified(ColdStartReport report, long lastIndex, boolean snapshot) {
    }

    /** What a reboot finds in the WAL: token, first and last durable index, the entries. */
    private record LogView(Optional<SnapshotToken> token, long first, long lastLog, Map<Long, LogEntry> entries) {
        /** @return L = max(Llog, S.i) */
        long last() {
            return Math.max(lastLog, token.map(SnapshotToken::index).orElse(0L));
        }
    }

    private LogView readLog(SimulatedDirectory wal) {
        Map<Long, LogEntry> entries = new HashMap<>();
        try (SegmentedLogStorage log = readOnly(wal)) {
            if (log.lastIndex() >= log.firstIndex()) {
                for (LogEntry e : log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE)) {
                    entries.put(e.index(), e);
                }
            }
            return new LogView(log.snapshotToken(), log.firstIndex(), log.lastIndex(), entries);
        }
    }

    /** The decision table's answer for this log and this store (read as the state machine reads it). */
    private ColdStartExpectation expect(LogView log, VersionedStore store) {
        Optional<CommitMetadata> applied = store.isEmpty() ? Optional.empty()
                : Optional.of(store.latest().metadata()).filter(m -> m.appliedIndex() != 0);
        ColdStartExpectation expected = ColdStartExpectation.decide(log.token(), log.first(), log.lastLog(), applied,
                store.isEmpty(), i -> log.entries().containsKey(i) ? OptionalLong.of(log.entries().get(i).term())
                        : OptionalLong.empty());
        note("store at v" + store.latestVersion() + " applied " + applied.map(m -> m.appliedIndex() + "/" + m.appliedTerm())
                .orElse("none") + "; the log F=" + log.first() + " Llog=" + log.lastLog() + " L=" + log.last()
                + " token " + log.token().map(t -> t.index() + "/" + t.term()).orElse("none") + "; the decision table says "
                + (expected.outcome() != null ? expected.outcome() + " " + expected.reason().label() + " floor "
                + expected.floor() : expected.refusal()));
        return expected;
    }

    private static boolean isLease(LogEntry e) {
        return e.type() == LogEntry.Type.NORMAL && CommandCodec.isLease(e.payload());
    }

    private Verified reopenAndVerify(Recovered state, ProposalLoad.Acknowledged acked, ProposalLoad load)
            throws Exception {
        LogView log = readLog(state.wal());
        Optional<SnapshotToken> token = log.token();
        Map<Long, LogEntry> logged = log.entries();
        long last = log.last();
        VersionedStore store = openStore(state);
        ObservedStateMachine sm;
        ColdStartExpectation expected;
        try {
            expected = expect(log, store);
            check(expected.outcome() != null, "the cut left a state the decision table refuses to open: "
                    + expected.refusal() + " (a power cut must never do that)");
            // A wall clock far behind every timestamp issued before: only the recovered ceiling keeps them unique.
            sm = new ObservedStateMachine(new StoreStateMachine(store, new HybridClock(() -> 1)), null, history, conflicts);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }

        Engine engine = open(state.wal(), state.snapshots(), sm);
        try {
            ColdStartReport report;
            try {
                report = engine.ready().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("the engine did not reopen after the power cut", e instanceof ExecutionException
                        ? e.getCause() : e);
            }
            note("reopened: " + report);
            List<String> unfinished = list(state.snapshots()).stream().filter(n -> n.endsWith(".tmp")).toList();
            check(unfinished.isEmpty(), "the open left the temporary files of snapshot writes the cut interrupted: "
                    + unfinished);
            check(report.outcome() == expected.outcome() && report.reason() == expected.reason()
                    && report.floor() == expected.floor(), "cold start " + report.outcome() + "/" + report.reason().label()
                    + " floor " + report.floor() + ", the decision table says " + expected.outcome() + "/"
                    + expected.reason().label() + " floor " + expected.floor());
            check(report.lastIndex() == last && report.snapshotIndex() == token.map(SnapshotToken::index).orElse(-1L),
                    "report names L=" + report.lastIndex() + " S.i=" + report.snapshotIndex() + ", the log says L=" + last
                    + " token " + token);
            check(engine.appliedIndex() == last && engine.commitIndex() == last, "after the reopen applied="
                    + engine.appliedIndex() + " commit=" + engine.commitIndex() + ", every durable entry up to " + last
                    + " must be committed and applied");

            List<LogEntry> recoveredHistory = recoveredHistory(logged, last);
            VersionedStore live = sm.delegate().store();
            long lastVersioned = 0;
            for (LogEntry e : recoveredHistory) {
                if (!sm.isVolatile(e)) {
                    lastVersioned = e.index();
                }
            }
            long storeApplied = live.isEmpty() ? 0 : live.latest().metadata().appliedIndex();
            check(storeApplied == lastVersioned, "the store's metadata says applied index " + storeApplied
                    + ", the last versioned entry of the recovered history is " + lastVersioned);
            compareWithReference(recoveredHistory, live);
            checkProposals(recoveredHistory, live, acked.proposals(), load);
            synchronized (conflicts) {
                check(conflicts.isEmpty(), "entries changed across the crash: " + conflicts);
            }

            sm.stopRecording();
            long before = live.latestVersion();
            byte[] key = "after-recovery".getBytes(StandardCharsets.US_ASCII);
            long version = StoreStateMachine.versionOf(Node.await(engine.propose(CommandCodec.encode(
                    new Command.Block(List.of(Mutation.put(key, key)))))));
            check(version == before + 1, "a proposal after the recovery became version " + version + ", expected "
                    + (before + 1));
            long timestamp = Node.await(engine.now());
            check(timestamp > acked.maxTimestamp(), "after the recovery the clock issued " + timestamp
                    + ", not above " + acked.maxTimestamp() + " issued before the cut (the recovered ceiling is "
                    + sm.delegate().clock().ceiling() + ")");
            note("checked; a new proposal became version " + version + ", the clock issued " + timestamp);

            // The next snapshot removes every other snapshot file the crash left.
            SnapshotToken next = Node.await(engine.snapshot());
            List<String> left = list(state.snapshots());
            check(left.equals(List.of(snapshotName(next))), "after a new snapshot the directory holds " + left
                    + ", expected only " + snapshotName(next));
            return new Verified(report, last, token.isPresent());
        } finally {
            engine.close();
        }
    }

    /** Entries 1..last: the recovered log where it has them, what was applied before the cut below its first index. */
    private List<LogEntry> recoveredHistory(Map<Long, LogEntry> logged, long last) {
        List<LogEntry> entries = new ArrayList<>();
        for (long i = 1; i <= last; i++) {
            LogEntry inLog = logged.get(i);
            LogEntry applied = history.get(i);
            check(inLog != null || applied != null, "entry " + i + " is neither in the recovered log nor was it applied "
                    + "before the cut, yet the recovered log's snapshot covers it");
            check(inLog == null || applied == null || inLog.equals(applied), "the recovered log holds " + inLog
                    + " at index " + i + " where " + applied + " was applied");
            entries.add(inLog != null ? inLog : applied);
        }
        return entries;
    }

    /** A fresh store of the same backend fed the recovered history must be the recovered store. */
    private void compareWithReference(List<LogEntry> entries, VersionedStore live) {
        Path dir = root.resolve("reference");
        try (StoreStateMachine reference = new StoreStateMachine(Stores.open(p.backend, dir,
                StoreOptions.defaults().withSync(false).withHashThreads(1)), new HybridClock(() -> 0))) {
            ApplyLoop loop = new ApplyLoop(reference, 0);
            for (LogEntry e : entries) {
                loop.apply(e);
            }
            VersionedStore model = reference.store();
            check(model.latestVersion() == live.latestVersion(), "recovered store at version " + live.latestVersion()
                    + ", the reference at " + model.latestVersion());
            check(model.commitment().equals(live.commitment()), "recovered commitment " + live.commitment()
                    + " differs from the reference's " + model.commitment() + " for the recovered history");
            CommitMetadata ours = live.latest().metadata().withHlcCeiling(0);
            CommitMetadata theirs = model.latest().metadata().withHlcCeiling(0);
            check(ours.equals(theirs), "recovered metadata " + ours + ", the reference's " + theirs);
            check(content(model).equals(content(live)), "recovered content differs from the reference's");
        }
    }

    private static List<String> content(VersionedStore store) {
        List<String> kv = new ArrayList<>();
        if (store.latestVersion() == 0) {
            return kv;
        }
        HexFormat hex = HexFormat.of();
        try (StoreExport export = store.exportLogical(store.latestVersion())) {
            while (export.hasNext()) {
                ExportRecord r = export.next();
                kv.add(hex.formatHex(r.key()) + "=" + hex.formatHex(r.value()));
            }
        }
        return kv;
    }

    /** Acknowledged ⇒ present; each proposal all there or not at all; present ⇔ in the recovered history. */
    private void checkProposals(List<LogEntry> entries, VersionedStore live, Map<Long, Long> acked, ProposalLoad load) {
        Set<Long> inHistory = new HashSet<>();
        for (LogEntry e : entries) {
            if (e.type() == LogEntry.Type.NORMAL && CommandCodec.decode(e.payload()) instanceof Command.Block block) {
                for (Mutation m : block.mutations()) {
                    long[] parsed = ProposalLoad.parse(m.key());
                    if (parsed != null) {
                        inHistory.add(parsed[0]);
                    }
                }
            }
        }
        Map<Long, Integer> keysFound = new HashMap<>();
        Map<Long, Long> keysExpected = new HashMap<>();
        if (live.latestVersion() > 0) {
            try (StoreExport export = live.exportLogical(live.latestVersion())) {
                while (export.hasNext()) {
                    ExportRecord r = export.next();
                    long[] parsed = ProposalLoad.parse(r.key());
                    if (parsed == null) {
                        continue;
                    }
                    check(Arrays.equals(r.value(), ProposalLoad.value(parsed[0], (int) parsed[1])), "proposal "
                            + parsed[0] + " key " + parsed[1] + " holds a value it never wrote");
                    keysFound.merge(parsed[0], 1, Integer::sum);
                    keysExpected.put(parsed[0], parsed[2]);
                }
            }
        }
        for (Map.Entry<Long, Integer> e : keysFound.entrySet()) {
            check(e.getValue() == keysExpected.get(e.getKey()).intValue(), "proposal " + e.getKey() + " is half present: "
                    + e.getValue() + " of its " + keysExpected.get(e.getKey()) + " keys");
        }
        check(keysFound.keySet().equals(inHistory), "the store holds the proposals " + diff(keysFound.keySet(), inHistory)
                + " beyond the recovered history and lacks " + diff(inHistory, keysFound.keySet()));
        long latest = live.latestVersion();
        for (Map.Entry<Long, Long> a : acked.entrySet()) {
            long id = a.getKey();
            ProposalLoad.Kind kind = load.kind(id);
            check(a.getValue() <= latest, "acknowledged " + kind + " proposal " + id + " was version " + a.getValue()
                    + ", the recovered store ends at version " + latest);
            check(kind != ProposalLoad.Kind.BLOCK || inHistory.contains(id), "acknowledged proposal " + id + " (version "
                    + a.getValue() + ") is missing after the power cut");
        }
    }

    private static Set<Long> diff(Set<Long> a, Set<Long> b) {
        Set<Long> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    // ------------------------------------------------------------------ wiring

    private StoreOptions storeOptions() {
        // Versions are kept long enough to roll back to any of them after the run went on.
        return StoreOptions.defaults().withRetainedVersions(1_000_000).withSync(p.storeSync).withHashThreads(1);
    }

    private ObservedStateMachine stateMachine(PowerCut cut, VersionedStore store) {
        try {
            return new ObservedStateMachine(new StoreStateMachine(store, new HybridClock(wall::get)), cut, history, conflicts);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    private Engine open(SimulatedDirectory wal, Path snapshots, ObservedStateMachine sm) {
        try {
            Engine.Builder b = Engine.builder().walStorage(wal).snapshotDirectory(snapshots).stateMachine(sm)
                    .clock(sm.delegate().clock()).segmentBytes(p.segmentBytes).snapshotEvery(p.snapshotEvery)
                    .verificationPolicy(p.policy).storeName("power-loss-" + p.seed);
            if (p.encryption) {
                b.sealer(new AesGcmSealer(keys));
            }
            return b.open();
        } catch (RuntimeException | Error e) {
            sm.close();
            throw e;
        }
    }

    private SegmentedLogStorage readOnly(SimulatedDirectory wal) {
        SegmentedLogStorage.Builder b = SegmentedLogStorage.builder(wal).readOnly(true).segmentBytes(p.segmentBytes);
        if (p.encryption) {
            b.sealer(new AesGcmSealer(keys));
        }
        return b.open();
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static String snapshotName(SnapshotToken token) {
        return String.format("snapshot-%020d-%d.snap", token.index(), token.term());
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** Deletes a cycle's files. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
