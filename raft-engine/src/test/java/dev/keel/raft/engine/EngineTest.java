package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.NotStartedException;
import dev.keel.storage.api.consensus.StateMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    @TempDir
    Path dir;

    @Test
    void logMissingCommittedEntriesRefusesToStart() {
        try (Node node = new Node(dir, 0)) {
            node.open();
            for (int i = 0; i < 5; i++) {
                node.put("k" + i, "v" + i);
            }
            node.stop();
        }
        // Entries the hard state records as committed disappear from the log (as when its last
        // segment file is lost): the engine must not start as if they never existed.
        try (dev.keel.raft.wal.SegmentedLogStorage log = dev.keel.raft.wal.SegmentedLogStorage.builder(dir.resolve("wal")).open()) {
            assertEquals(5, log.hardState().commitIndex());
            log.truncateSuffix(4);
        }
        try (Node node = new Node(dir, 0)) {
            AssertionError e = assertThrows(AssertionError.class, node::open);
            assertTrue(String.valueOf(e.getCause()).contains("acknowledged entries are missing"), String.valueOf(e.getCause()));
        }
    }

    @Test
    void periodicSnapshotWaitsWhileOnlyLeasesWereApplied() {
        // Regression (seed 5705432675936): with a snapshot due after every entry, a lease as the first
        // entry left no store version to snapshot, and the periodic snapshot stopped the engine.
        try (Node node = new Node(dir, 1)) {
            node.open();
            node.wall.addAndGet(10_000);
            Node.await(node.engine.now());
            node.wall.addAndGet(10_000);
            Node.await(node.engine.now());
            assertEquals(1, node.put("k", "v"), "the engine still runs and the first block is version 1");
            assertTrue(Files.exists(dir.resolve("snapshots")), "a snapshot follows once a version exists");
        }
    }

    @Test
    void restartAfterProposalsResumesAtTheSameCommitmentAndAppliedIndex() {
        Node.State before;
        try (Node node = new Node(dir, 0)) {
            assertEquals(ColdStartOutcome.FRESH, node.open().outcome());
            for (int i = 0; i < 10; i++) {
                assertEquals(i + 1, node.put("k" + i, "v" + i));
            }
            assertEquals(10, node.engine.commitIndex(), "single voter: durable means committed");
            before = node.state();
            node.stop();
            assertEquals(ColdStartOutcome.RESUMED, node.open().outcome());
            assertEquals(before, node.state());
            assertEquals(11, node.put("k10", "v10"), "versions continue after the restart");
        }
    }

    @Test
    void restartAfterASnapshotSkipsAndAfterWipingTheStoreRestoresToTheSameState() {
        try (Node node = new Node(dir, 0)) {
            node.open();
            for (int i = 0; i < 20; i++) {
                node.put("k" + (i % 7), "v" + i);
            }
            node.stop();
            node.copyStoreTo("stale");
            node.open();
            Node.await(node.engine.changeMembership(new Membership(List.of("n1"), List.of())));
            node.wall.addAndGet(10_000);
            Node.await(node.engine.now());
            Node.await(node.engine.snapshot());
            node.put("after", "snapshot");
            node.wall.addAndGet(10_000);
            long lastTimestamp = Node.await(node.engine.now());
            Node.State before = node.state();
            assertTrue(before.ceiling() >= lastTimestamp);
            node.stop();

            assertEquals(ColdStartOutcome.SKIPPED, node.open().outcome());
            assertEquals(before, node.state());
            assertTrue(Node.await(node.engine.now()) > before.ceiling(), "no timestamp is issued twice across a restart");
            node.stop();

            node.bringBackStore("stale");
            assertEquals(ColdStartOutcome.EXECUTED, node.open().outcome(), "a store behind the snapshot is restored");
            Node.State restored = node.state();
            assertTrue(restored.ceiling() > before.ceiling(), "the lease taken after the first restart is replayed");
            assertEquals(before, new Node.State(restored.commitment(), restored.storeApplied(), restored.engineApplied() - 1,
                    before.ceiling(), restored.membership(), restored.content()), "same content, commitment, applied index");
            node.stop();
            node.wipeStore();
            var wiped = node.open();
            assertEquals(ColdStartOutcome.FALLBACK, wiped.outcome(), "an empty store records no position");
            assertEquals("missing_meta", wiped.reason().label());
            assertEquals(restored, node.state(), "restoring a wiped store reaches the same state too");
        }
    }

    @Test
    void openDeletesTheTemporaryFileOfASnapshotWriteACrashCutShort() throws Exception {
        try (Node node = new Node(dir, 0)) {
            node.open();
            node.put("k", "v");
            Node.await(node.engine.snapshot());
            node.stop();
            // What a kill during SnapshotWriter.write leaves: its temp file next to the real snapshot.
            Path temp = dir.resolve("snapshots").resolve(".snapshot-00000000000000000002-1.snap.123456.tmp");
            Files.write(temp, new byte[] {1, 2, 3});
            assertEquals(ColdStartOutcome.SKIPPED, node.open().outcome());
            assertFalse(Files.exists(temp), "the unfinished snapshot file is gone");
            try (var files = Files.list(dir.resolve("snapshots"))) {
                assertEquals(1, files.count(), "the recorded snapshot stays");
            }
        }
    }

    @Test
    void snapshotsEveryNEntriesAndCompactsTheLog() throws Exception {
        try (Node node = new Node(dir, 5)) {
            node.open();
            for (int i = 0; i < 60; i++) {
                node.put("key" + i, "x".repeat(200));
            }
            Node.State before = node.state();
            node.stop();
            try (var files = Files.list(dir.resolve("snapshots"))) {
                assertEquals(1, files.count(), "older snapshot files are deleted");
            }
            var report = node.open();
            assertEquals(ColdStartOutcome.SKIPPED, report.outcome());
            assertTrue(report.snapshotIndex() >= 55, "a snapshot was taken at most 5 entries ago: " + report.snapshotIndex());
            assertEquals(before, node.state());
            node.stop();
            node.wipeStore();
            assertEquals(ColdStartOutcome.FALLBACK, node.open().outcome(), "the compacted log cannot replay from the start: restore");
            assertEquals(before, node.state());
        }
    }

    @Test
    void membershipAfterRestartComesFromTheStoreThenFromReplayedEntries() {
        try (Node node = new Node(dir, 0)) {
            node.open();
            Membership first = new Membership(List.of("a"), List.of());
            Node.await(node.engine.changeMembership(first));
            node.put("k", "v");
            node.stop();
            node.open();
            assertEquals(first, node.sm.membership());
        }
    }

    @Test
    void callsBeforeColdStartEndsThrowNotStartedAndReadyCarriesTheReport() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        StoreStateMachine inner = new StoreStateMachine(Stores.open("flatkv", dir.resolve("store"), StoreOptions.defaults()),
                new HybridClock(() -> 0));
        StateMachine slow = new Delegating(inner) {
            @Override
            public boolean isEmpty() {
                try {
                    release.await(Node.TIMEOUT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.isEmpty();
            }
        };
        try (Engine engine = Engine.builder().walDirectory(dir.resolve("wal")).snapshotDirectory(dir.resolve("snap"))
                .stateMachine(slow).open()) {
            assertThrows(NotStartedException.class, () -> engine.propose(Node.block()));
            assertThrows(NotStartedException.class, engine::snapshot);
            assertThrows(NotStartedException.class, engine::now);
            assertThrows(NotStartedException.class, engine::coldStartReport);
            assertFalse(engine.ready().isDone());
            release.countDown();
            assertEquals(ColdStartOutcome.FALLBACK, Node.await(engine.ready()).outcome(), "no reader: FALLBACK not_reader");
            assertEquals(engine.coldStartReport(), Node.await(engine.ready()));
        }
    }

    @Test
    void concurrentProposalsAreBatchedIntoOneBlockEntry() {
        CountDownLatch firstApplying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StoreStateMachine inner = new StoreStateMachine(Stores.open("flatkv", dir.resolve("store"), StoreOptions.defaults()),
                new HybridClock(() -> 0));
        StateMachine gated = new Delegating(inner) {
            @Override
            public byte[] apply(LogEntry entry) {
                if (entry.index() == 1) {
                    firstApplying.countDown();
                    try {
                        release.await(Node.TIMEOUT_S, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.apply(entry);
            }
        };
        try (Engine engine = Engine.builder().walDirectory(dir.resolve("wal")).snapshotDirectory(dir.resolve("snap"))
                .stateMachine(gated).open()) {
            Node.await(engine.ready());
            CompletableFuture<byte[]> first = engine.propose(Node.block(Mutation.put(new byte[] {0}, new byte[] {0})));
            Node.await(CompletableFuture.runAsync(() -> {
                try {
                    firstApplying.await(Node.TIMEOUT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                waiting.add(engine.propose(Node.block(Mutation.put(new byte[] {(byte) i}, new byte[] {(byte) i}))));
            }
            release.countDown();
            assertEquals(1, StoreStateMachine.versionOf(Node.await(first)));
            for (CompletableFuture<byte[]> f : waiting) {
                assertEquals(2, StoreStateMachine.versionOf(Node.await(f)), "the ten waiting proposals share entry 2");
            }
            assertEquals(2, engine.appliedIndex());
            assertEquals(11, inner.store().get(new byte[] {10}).map(v -> v[0] + 1).orElseThrow());
        }
    }

    @Test
    void closeIsIdempotentStopsEveryThreadAndRefusesLaterCalls() {
        Node node = new Node(dir, 0);
        node.open();
        node.put("a", "b");
        Engine engine = node.engine;
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.propose(Node.block()));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("keel-engine-") && t.isAlive()),
                "engine threads stopped");
    }

    /** Forwards to a store state machine, hiding its optional capabilities except what subclasses add. */
    static class Delegating implements StateMachine {
        final StoreStateMachine inner;

        Delegating(StoreStateMachine inner) {
            this.inner = inner;
        }

        @Override
        public boolean isEmpty() {
            return inner.isEmpty();
        }

        @Override
        public byte[] apply(LogEntry entry) {
            return inner.apply(entry);
        }

        @Override
        public StoreExport exportSnapshot() {
            return inner.exportSnapshot();
        }

        @Override
        public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
            return inner.installSnapshot(source, progress);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
