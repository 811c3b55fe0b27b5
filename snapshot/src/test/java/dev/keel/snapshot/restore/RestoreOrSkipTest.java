package dev.keel.snapshot.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.snapshot.format.SnapshotWriteOptions;
import dev.keel.snapshot.format.SnapshotWriter;
import dev.keel.snapshot.gate.LogTerms;
import dev.keel.snapshot.gate.NodeRole;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.AheadOfLogException;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.UnknownPositionException;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore-or-skip end to end on real flatkv stores. History: entries 1..30 (term 1), entry i puts
 * {@code k(i%7)=v i}; entry 1 also sets a membership. The snapshot is taken at index 20. The log
 * holds 1..30 unless a test says otherwise.
 */
class RestoreOrSkipTest {
    private static final long SNAPSHOT_INDEX = 20;
    private static final LogTerms ALL_TERM_ONE = i -> OptionalLong.of(1);

    @TempDir
    Path dir;

    private static LogEntry entry(long i) {
        return new LogEntry(i, 1, LogEntry.Type.NORMAL, ("k" + (i % 7) + "=v" + i).getBytes(StandardCharsets.UTF_8));
    }

    private StoreAdapter open(String name) {
        return new StoreAdapter(Stores.open("flatkv", dir.resolve(name), StoreOptions.defaults()));
    }

    /** Applies entries 1..upTo; entry 1 commits with a membership so the header carries one. */
    private static void applyUpTo(StoreAdapter sm, long upTo) {
        sm.store.commit(dev.keel.storage.api.ChangeSet.builder().put("m".getBytes(StandardCharsets.UTF_8), new byte[0]).build(),
                new CommitMetadata(1, 1, 1000, CommitMetadata.NO_CUTOVER, CommitMetadata.NO_KEY,
                        new Membership(List.of("n1", "n2", "n3"), List.of()), new byte[0]));
        for (long i = 2; i <= upTo; i++) {
            sm.apply(entry(i));
        }
    }

    /** Writes the snapshot of the store's version at SNAPSHOT_INDEX. */
    private SnapshotToken snapshot(VersionedStore store, long version) {
        try (StoreExport export = store.export(version)) {
            assertEquals(SNAPSHOT_INDEX, export.info().metadata().appliedIndex());
            return SnapshotWriter.write(export, dir.resolve("snap"), SnapshotWriteOptions.DEFAULTS.withChunkSize(256));
        }
    }

    private ColdStartRequest request(SnapshotToken token, long first, long last, NodeRole role, VerificationPolicy policy) {
        return new ColdStartRequest("test", Optional.ofNullable(token), dir.resolve("snap"), first, last, ALL_TERM_ONE, last, role,
                policy, null, Runnable::run, null, ProgressListener.NONE);
    }

    private void flipBodyByte(SnapshotToken token) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("snap").toFile(), "rw")) {
            long at = token.fileLength() - 20;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }

    @Test
    void skipsRestoreWhenStoreIsAheadOfSnapshotAndMergesHeaderForward() {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, SNAPSHOT_INDEX);
            CommitInfo before = sm.store.latest();
            ColdStartResult result = RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL));
            assertEquals(ColdStartOutcome.SKIPPED, result.decision().outcome());
            assertEquals(30, result.effectiveAppliedIndex());
            assertEquals(before, sm.store.latest(), "the body was not restored");
            assertEquals(List.of("header", "open"), sm.events);
            assertEquals(30_000, sm.headerState.hlcCeiling(), "ceiling = max(header 20000, own 30000)");
            assertEquals(new Membership(List.of("n1", "n2", "n3"), List.of()), sm.headerState.membership());
            assertEquals(1, sm.reports.size());
            assertEquals(token.fileLength(), sm.reports.get(0).bytesRead());
        }
    }

    @Test
    void restoresSnapshotWhenStoreIsBehindIt() {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            long snapVersion = versionAt(sm.store, SNAPSHOT_INDEX);
            SnapshotToken token = snapshot(sm.store, snapVersion);
            CommitInfo snapInfo = infoAt(sm.store, snapVersion);
            sm.store.rollbackTo(versionAt(sm.store, 10));
            ColdStartResult result = RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.STANDALONE, VerificationPolicy.HEADER));
            assertEquals(ColdStartOutcome.EXECUTED, result.decision().outcome());
            assertEquals(SNAPSHOT_INDEX, result.effectiveAppliedIndex());
            assertEquals(snapInfo.commitment(), sm.store.commitment());
            assertEquals(SNAPSHOT_INDEX, sm.store.latest().metadata().appliedIndex());
            assertEquals(List.of("install", "open"), sm.events);
            assertTrue(sm.scrubs.isEmpty(), "a restore verifies in full; no scrub");
        }
    }

    @Test
    void crashInTheMiddleOfARestoreLeavesAUsableStoreAndTheNextOpenRestores() throws IOException {
        SnapshotToken token;
        CommitInfo snapInfo;
        CommitInfo behind;
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            long snapVersion = versionAt(sm.store, SNAPSHOT_INDEX);
            token = snapshot(sm.store, snapVersion);
            snapInfo = infoAt(sm.store, snapVersion);
            sm.store.rollbackTo(versionAt(sm.store, 10));
            behind = sm.store.latest();
            sm.crashAfterRecords = 3;
            assertThrows(StoreAdapter.SimulatedCrash.class,
                    () -> RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.STANDALONE, VerificationPolicy.FULL)));
            assertTrue(sm.reports.isEmpty(), "no open report for a failed open");
            assertEquals(behind, sm.store.latest(), "the live store is untouched by the interrupted restore");
        }
        // What a killed process would leave besides: a half-built data directory nobody points to.
        java.nio.file.Files.createDirectories(dir.resolve("a").resolve("data-00000099"));
        java.nio.file.Files.writeString(dir.resolve("a").resolve("data-00000099").resolve("000001.sst"), "partial");
        try (StoreAdapter sm = open("a")) {
            assertEquals(behind, sm.store.latest(), "after the crash the old store opens as it was");
            ColdStartResult result = RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.STANDALONE, VerificationPolicy.FULL));
            assertEquals(ColdStartOutcome.EXECUTED, result.decision().outcome());
            assertEquals(snapInfo.commitment(), sm.store.commitment());
            assertEquals(SNAPSHOT_INDEX, result.effectiveAppliedIndex());
        }
        assertFalse(java.nio.file.Files.exists(dir.resolve("a").resolve("data-00000099")), "the leftover is removed on open");
    }

    @Test
    void skipAndRestoreReachTheSameStateAtTheSnapshotIndex() {
        try (StoreAdapter skipper = open("skip"); StoreAdapter restorer = open("restore")) {
            applyUpTo(skipper, SNAPSHOT_INDEX);
            applyUpTo(restorer, 5); // behind the snapshot: EXECUTED (an empty store would be FALLBACK missing_meta)
            SnapshotToken token = snapshot(skipper.store, skipper.store.latestVersion());
            ColdStartResult skipped = RestoreOrSkip.run(skipper,
                    request(token, SNAPSHOT_INDEX + 1, SNAPSHOT_INDEX, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL));
            ColdStartResult restored = RestoreOrSkip.run(restorer,
                    request(token, SNAPSHOT_INDEX + 1, SNAPSHOT_INDEX, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL));
            assertEquals(ColdStartOutcome.SKIPPED, skipped.decision().outcome());
            assertEquals(ColdStartOutcome.EXECUTED, restored.decision().outcome());
            assertEquals(skipped.effectiveAppliedIndex(), restored.effectiveAppliedIndex());
            assertEquals(skipper.store.commitment(), restorer.store.commitment());
            assertEquals(skipper.store.latest().metadata(), restorer.store.latest().metadata());
        }
    }

    @Test
    void corruptBodyUnderFullPolicyFailsBeforeAnythingIsApplied() throws IOException {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            flipBodyByte(token);
            CommitInfo before = sm.store.latest();
            assertThrows(SnapshotChecksumException.class,
                    () -> RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL)));
            assertEquals(before, sm.store.latest());
            assertNull(sm.headerState);
            assertTrue(sm.events.isEmpty(), "no header merge, no report: " + sm.events);
        }
    }

    @Test
    void corruptBodyUnderHeaderPolicySkipsAndTheScrubReportsIt() throws IOException {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            flipBodyByte(token);
            ColdStartResult result = RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.HEADER));
            assertEquals(ColdStartOutcome.SKIPPED, result.decision().outcome());
            assertTrue(result.bytesRead() < token.fileLength(), "HEADER reads only header and footer");
            assertEquals(List.of("header", "open", "scrub"), sm.events);
            assertFalse(sm.scrubs.get(0).passed());
            assertTrue(sm.scrubs.get(0).failure().startsWith("SnapshotChecksumException"), sm.scrubs.get(0).failure());
        }
    }

    @Test
    void corruptBodyIsNeverRestored() throws IOException {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            flipBodyByte(token);
            sm.store.rollbackTo(versionAt(sm.store, 10));
            CommitInfo before = sm.store.latest();
            assertThrows(SnapshotChecksumException.class,
                    () -> RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.HEADER)));
            assertEquals(before, sm.store.latest());
            assertTrue(sm.events.isEmpty(), sm.events.toString());
        }
    }

    @Test
    void stateMachineWithoutReaderFallsBackToRestore() {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            StateMachine plain = new StateMachine() {
                @Override
                public boolean isEmpty() {
                    return sm.isEmpty();
                }

                @Override
                public byte[] apply(LogEntry entry) {
                    return sm.apply(entry);
                }

                @Override
                public StoreExport exportSnapshot() {
                    return sm.exportSnapshot();
                }

                @Override
                public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
                    return sm.installSnapshot(source, progress);
                }

                @Override
                public void close() {
                }
            };
            ColdStartResult result = RestoreOrSkip.run(plain, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL));
            assertEquals(ColdStartOutcome.FALLBACK, result.decision().outcome());
            assertEquals(FallbackReason.NOT_READER, result.decision().reason());
            assertEquals(SNAPSHOT_INDEX, sm.store.latest().metadata().appliedIndex(), "went back to the snapshot");
            assertEquals(30, result.decision().commitIndex());
        }
    }

    @Test
    void readErrorRestoresOnAClusterMemberAndFailsClosedStandalone() {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            sm.failRead = true;
            CommitInfo before = sm.store.latest();
            assertThrows(UnknownPositionException.class,
                    () -> RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.STANDALONE, VerificationPolicy.FULL)));
            assertEquals(before, sm.store.latest());
            ColdStartResult result = RestoreOrSkip.run(sm, request(token, 1, 30, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL));
            assertEquals(FallbackReason.READ_ERROR, result.decision().reason());
            assertEquals(SNAPSHOT_INDEX, result.effectiveAppliedIndex());
            assertEquals(1, sm.reports.size(), "one report, for the successful open only");
        }
    }

    @Test
    void storeAheadOfEveryDurableEntryIsRefusedWithoutAReport() {
        try (StoreAdapter sm = open("a")) {
            applyUpTo(sm, 30);
            SnapshotToken token = snapshot(sm.store, versionAt(sm.store, SNAPSHOT_INDEX));
            assertThrows(AheadOfLogException.class,
                    () -> RestoreOrSkip.run(sm, request(token, 1, 25, NodeRole.CLUSTER_MEMBER, VerificationPolicy.FULL)));
            assertTrue(sm.reports.isEmpty());
        }
    }

    @Test
    void flatkvExportRoundTripsThroughASealedSnapshotIntoAnEmptyStore() {
        try (StoreAdapter source = open("source"); VersionedStore target = Stores.open("flatkv", dir.resolve("target"),
                StoreOptions.defaults())) {
            applyUpTo(source, SNAPSHOT_INDEX);
            SnapshotToken token;
            try (StoreExport export = source.store.export(source.store.latestVersion())) {
                token = SnapshotWriter.write(export, dir.resolve("snap"), SnapshotWriteOptions.DEFAULTS.withChunkSize(64)
                        .withSealing(new dev.keel.snapshot.format.ChunkSealing(new dev.keel.snapshot.format.TestSealer(7), 7)));
            }
            try (dev.keel.snapshot.format.SnapshotReader reader = dev.keel.snapshot.format.SnapshotReader.open(
                    dir.resolve("snap"), token, new dev.keel.snapshot.format.TestSealer(7), ProgressListener.NONE)) {
                CommitInfo imported = target.importFrom(reader.importSource(), ProgressListener.NONE);
                assertEquals(source.store.latest(), imported);
            }
            assertEquals(source.store.commitment(), target.commitment());
            assertEquals(SNAPSHOT_INDEX, target.latest().metadata().appliedIndex());
        }
    }

    private static long versionAt(VersionedStore store, long appliedIndex) {
        for (long v = store.latestVersion(); v >= store.oldestRetainedVersion() && v > 0; v--) {
            if (infoAt(store, v).metadata().appliedIndex() == appliedIndex) {
                return v;
            }
        }
        throw new AssertionError("no retained version at applied index " + appliedIndex);
    }

    private static CommitInfo infoAt(VersionedStore store, long version) {
        try (dev.keel.storage.api.StoreView view = store.view(version)) {
            return view.info();
        }
    }
}
