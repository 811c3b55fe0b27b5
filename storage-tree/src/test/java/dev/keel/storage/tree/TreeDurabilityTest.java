package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.testkit.ReferenceModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart, tree snapshots, the changelog's torn tail, and damaged files. */
class TreeDurabilityTest {
    @TempDir
    Path tempDir;

    private static StoreOptions options(int snapshotInterval, int window) {
        return StoreOptions.defaults().withSync(false).withRetainedVersions(window)
                .withBackendProperties(Map.of(TreeStore.SNAPSHOT_INTERVAL, Integer.toString(snapshotInterval)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reopenRestoresEveryRetainedVersionAcrossSnapshotsRollbacksAndPrunes() {
        long seed = new Random().nextLong();
        System.out.println("reopenRestoresEveryRetainedVersionAcrossSnapshotsRollbacksAndPrunes: seed " + seed);
        Random rnd = new Random(seed);
        StoreOptions opts = options(4, 8);
        Path dir = tempDir.resolve("s");
        ReferenceModel model = new ReferenceModel(1, 8);
        Map<Long, Commitment> commitments = new HashMap<>();
        VersionedStore store = Stores.open("tree", dir, opts);
        try {
            commitments.put(0L, store.commitment());
            for (int step = 0; step < 120; step++) {
                int action = rnd.nextInt(20);
                if (action == 0 && model.retainedVersionNumbers().size() > 1) {
                    List<Long> retained = model.retainedVersionNumbers();
                    long target = retained.get(rnd.nextInt(retained.size()));
                    model.rollbackTo(target);
                    store.rollbackTo(target);
                } else if (action == 1) {
                    List<Long> retained = model.retainedVersionNumbers();
                    long target = retained.get(rnd.nextInt(retained.size()));
                    model.pruneBefore(target);
                    store.pruneBefore(target);
                } else if (action == 2) {
                    store.close();
                    store = Stores.open("tree", dir, opts);
                    assertMatches(model, commitments, store, "seed " + seed + " step " + step);
                } else {
                    ChangeSet.Builder cs = ChangeSet.builder();
                    for (int i = rnd.nextInt(6); i >= 0; i--) {
                        byte[] key = b("k" + rnd.nextInt(40));
                        if (rnd.nextInt(4) == 0) {
                            cs.delete(key);
                        } else {
                            cs.put(key, b("v" + rnd.nextInt(1000)));
                        }
                    }
                    ChangeSet changes = cs.build();
                    CommitMetadata md = CommitMetadata.atPosition(step + 1, 1);
                    model.commit(changes, md);
                    CommitInfo info = store.commit(changes, md);
                    commitments.put(info.version(), info.commitment());
                }
            }
            store.close();
            store = Stores.open("tree", dir, opts);
            assertMatches(model, commitments, store, "seed " + seed + " at the end");
        } finally {
            store.close();
        }
    }

    private static void assertMatches(ReferenceModel model, Map<Long, Commitment> commitments, VersionedStore store,
                                      String where) {
        assertEquals(model.latestVersion(), store.latestVersion(), where + ": latest");
        assertEquals(model.oldestRetainedVersion(), store.oldestRetainedVersion(), where + ": oldest");
        for (long v : model.retainedVersionNumbers()) {
            try (StoreView view = store.view(v); KeyValueIterator it = view.scan()) {
                List<KeyValue> actual = new ArrayList<>();
                it.forEachRemaining(actual::add);
                assertEquals(model.snapshot(v).entries(), actual, where + ": content of version " + v);
                assertEquals(model.snapshot(v).metadata(), view.metadata(), where + ": metadata of version " + v);
                assertEquals(commitments.get(v), view.commitment(), where + ": commitment of version " + v);
            }
        }
    }

    @Test
    void closeAfterManyRecordsWritesASnapshotSoTheNextOpenReplaysNothing() throws IOException {
        Path dir = tempDir.resolve("s");
        int many = TreeStore.CLOSE_SNAPSHOT_RECORDS;
        Commitment atClose;
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 200))) {
            for (int i = 0; i < many; i++) {
                store.commit(ChangeSet.builder().put(b("k" + i), b("v" + i)).build(), CommitMetadata.atPosition(i + 1, 1));
            }
            atClose = store.commitment();
        }
        Path data = onlyDataDirectory(dir);
        assertTrue(Files.exists(data.resolve("snapshot-00000001")), many + " records since the last snapshot: close writes one");
        assertEquals(0, Files.size(data.resolve("changelog-00000001")));
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 200))) {
            assertEquals(many, store.latestVersion());
            assertEquals(atClose, store.commitment());
            assertEquals(0, store.oldestRetainedVersion(), "every retained version is in the snapshot");
            store.commit(ChangeSet.builder().put(b("few"), b("1")).build(), CommitMetadata.atPosition(many + 1, 1));
        }
        assertTrue(Files.size(data.resolve("changelog-00000001")) > 0, "one record since the snapshot: close keeps the changelog");
        assertTrue(Files.notExists(data.resolve("snapshot-00000002")));
    }

    @Test
    void commitsWhileASnapshotIsWrittenAreCarriedIntoTheNewGenerationsChangelog() throws Exception {
        Path dir = tempDir.resolve("s");
        ReferenceModel model = new ReferenceModel(1, 100);
        Map<Long, Commitment> commitments = new HashMap<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        try (VersionedStore store = Stores.open("tree", dir, options(5, 100))) {
            commitments.put(0L, store.commitment());
            ((TreeStore) store).beforeSnapshotWrite = () -> {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            for (int i = 1; i <= 5; i++) {
                commitBoth(store, model, commitments, "k" + i, "v" + i);
            }
            assertTrue(writing.await(30, java.util.concurrent.TimeUnit.SECONDS), "the fifth record starts a snapshot");
            // Held before its file is written: these land in the old changelog only.
            commitBoth(store, model, commitments, "k1", "changed");
            store.rollbackTo(6);
            model.rollbackTo(6);
            commitBoth(store, model, commitments, "k7", "v7");
            ((TreeStore) store).beforeSnapshotWrite = () -> { };
            release.countDown();
        }
        Path data = onlyDataDirectory(dir);
        assertTrue(Files.exists(data.resolve("snapshot-00000001")), "the snapshot was installed when the store closed");
        assertTrue(Files.size(data.resolve("changelog-00000001")) > 0, "the records written meanwhile were carried over");
        try (VersionedStore store = Stores.open("tree", dir, options(5, 100))) {
            assertEquals(7, store.latestVersion());
            assertMatches(model, commitments, store, "after reopen");
        }
    }

    private static void commitBoth(VersionedStore store, ReferenceModel model, Map<Long, Commitment> commitments,
                                   String key, String value) {
        ChangeSet changes = ChangeSet.builder().put(b(key), b(value)).build();
        CommitMetadata metadata = CommitMetadata.atPosition(store.latestVersion() + 1, 1);
        CommitInfo info = store.commit(changes, metadata);
        model.commit(changes, metadata);
        commitments.put(info.version(), info.commitment());
    }

    @Test
    void snapshotEmptiesTheChangelogAndReopenNeedsNoReplay() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo last;
        try (VersionedStore store = Stores.open("tree", dir, options(3, 100))) {
            for (int i = 0; i < 3; i++) {
                last = store.commit(ChangeSet.builder().put(b("k" + i), b("v" + i)).build(), CommitMetadata.atPosition(i, 1));
            }
        }
        Path data = onlyDataDirectory(dir);
        assertTrue(Files.exists(data.resolve("snapshot-00000001")), "a snapshot after 3 records");
        assertEquals(0, Files.size(data.resolve("changelog-00000001")), "the changelog restarts after a snapshot");
        try (VersionedStore store = Stores.open("tree", dir, options(3, 100))) {
            assertEquals(3, store.latestVersion());
            try (StoreView v1 = store.view(1)) {
                assertArrayEquals(b("v0"), v1.get(b("k0")).orElseThrow());
                assertTrue(v1.get(b("k1")).isEmpty());
            }
        }
    }

    @Test
    void crashWhileWritingASnapshotLeavesThePreviousGenerationInUse() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo last;
        try (VersionedStore store = Stores.open("tree", dir, options(2, 100))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("b"), b("2")).build(), CommitMetadata.EMPTY);
            last = store.commit(ChangeSet.builder().put(b("c"), b("3")).build(), CommitMetadata.EMPTY);
        }
        Path data = onlyDataDirectory(dir);
        // What a crash at each step of the next snapshot leaves: a half-written temp file, a renamed
        // but unreferenced snapshot with its changelog, and a half-written pointer.
        Files.write(data.resolve("snapshot-00000002.tmp"), new byte[] {1, 2, 3});
        Files.copy(data.resolve("snapshot-00000001"), data.resolve("snapshot-00000002"));
        Files.write(data.resolve("changelog-00000002"), new byte[0]);
        Files.write(data.resolve("TREE.tmp"), b("0000000"));
        try (VersionedStore store = Stores.open("tree", dir, options(2, 100))) {
            assertEquals(last, store.latest());
            assertArrayEquals(b("3"), store.get(b("c")).orElseThrow());
        }
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of("TREE", "changelog-00000001", "snapshot-00000001"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "leftovers deleted on open");
        }
    }

    @Test
    void tornLastChangelogRecordIsCutOffAndTheStoreGoesOn() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo second;
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
            second = store.commit(ChangeSet.builder().put(b("b"), b("2")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("c"), b("3")).build(), CommitMetadata.EMPTY);
        }
        Path log = onlyDataDirectory(dir).resolve("changelog-00000000");
        long full = Files.size(log);
        try (var ch = Files.newByteChannel(log, StandardOpenOption.WRITE)) {
            ch.truncate(full - 5); // the third commit's frame loses its last bytes
        }
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            assertEquals(second, store.latest(), "the torn third commit is gone, the second intact");
            assertEquals(3, store.commit(ChangeSet.builder().put(b("d"), b("4")).build(), CommitMetadata.EMPTY).version());
        }
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            assertEquals(3, store.latestVersion());
            assertArrayEquals(b("4"), store.get(b("d")).orElseThrow());
            assertTrue(store.get(b("c")).isEmpty());
        }
    }

    @Test
    void zerosAfterTheLastChangelogRecordAreATornTail() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo first;
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            first = store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
        }
        Path log = onlyDataDirectory(dir).resolve("changelog-00000000");
        Files.write(log, new byte[100], StandardOpenOption.APPEND);
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            assertEquals(first, store.latest());
        }
    }

    @Test
    void flippedBitInTheLastCompleteChangelogRecordIsCorruptionNotATornTail() throws IOException {
        Path dir = tempDir.resolve("s");
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("b"), b("2")).build(), CommitMetadata.EMPTY);
        }
        Path log = onlyDataDirectory(dir).resolve("changelog-00000000");
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 3] ^= 0x01; // inside the last frame's payload; the frame stays complete
        Files.write(log, bytes);
        // The last commit was synced, so it may have been acknowledged: dropping it as torn would lose it.
        CorruptionException e = assertThrows(CorruptionException.class, () -> Stores.open("tree", dir, options(1000, 100)).close());
        assertEquals(log, e.file());
    }

    @Test
    void lastChangelogRecordWithAnUnwrittenSectorIsATornTail() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo first;
        byte[] value = new byte[2048];
        java.util.Arrays.fill(value, (byte) 7);
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            first = store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("big"), value).build(), CommitMetadata.EMPTY);
        }
        Path log = onlyDataDirectory(dir).resolve("changelog-00000000");
        byte[] bytes = Files.readAllBytes(log);
        // A crash left the last 1,024 bytes of the file (whole sectors of the second frame) unwritten.
        int end = bytes.length - bytes.length % 512;
        java.util.Arrays.fill(bytes, end - 1024, end, (byte) 0);
        Files.write(log, bytes);
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            assertEquals(first, store.latest(), "the torn second commit is cut off");
        }
    }

    @Test
    void damagedChangelogRecordBeforeTheLastIsCorruptionNamingTheFile() throws IOException {
        Path dir = tempDir.resolve("s");
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
            store.commit(ChangeSet.builder().put(b("b"), b("2")).build(), CommitMetadata.EMPTY);
        }
        Path log = onlyDataDirectory(dir).resolve("changelog-00000000");
        for (int offset : new int[] {1, 5, 9, 20}) {
            byte[] original = Files.readAllBytes(log);
            byte[] bytes = original.clone();
            bytes[offset] ^= 0x10;
            Files.write(log, bytes);
            CorruptionException e = assertThrows(CorruptionException.class,
                    () -> Stores.open("tree", dir, options(1000, 100)).close(), "flip at offset " + offset);
            assertEquals(log, e.file());
            Files.write(log, original);
        }
    }

    @Test
    void everySingleBitFlipAndTruncationOfATreeSnapshotIsCorruption() throws IOException {
        Path dir = tempDir.resolve("s");
        try (VersionedStore store = Stores.open("tree", dir, options(1, 3))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).put(b("b"), b("")).build(), CommitMetadata.atPosition(5, 2));
            store.commit(ChangeSet.builder().put(b("c"), b("3")).delete(b("a")).build(), CommitMetadata.atPosition(6, 2));
        }
        Path data = onlyDataDirectory(dir);
        // Snapshots are written in the background, one at a time: the second commit's may have been skipped.
        Path snapshot;
        try (Stream<Path> files = Files.list(data)) {
            snapshot = files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(snapshot);
        Path probe = tempDir.resolve("probe");
        for (int bit = 0; bit < original.length * 8; bit++) {
            byte[] bytes = original.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(probe, bytes);
            CorruptionException e = assertThrows(CorruptionException.class, () -> TreeSnapshotFile.read(probe),
                    "bit " + bit + " of " + original.length * 8);
            assertEquals(probe, e.file());
        }
        for (int len = 0; len < original.length; len++) {
            Files.write(probe, java.util.Arrays.copyOf(original, len));
            assertThrows(CorruptionException.class, () -> TreeSnapshotFile.read(probe), "truncated to " + len);
        }
        // Through the store: the damaged file is named, and nothing is served.
        byte[] bytes = original.clone();
        bytes[bytes.length / 2] ^= 1;
        Files.write(snapshot, bytes);
        CorruptionException e = assertThrows(CorruptionException.class, () -> Stores.open("tree", dir, options(1, 3)).close());
        assertEquals(snapshot, e.file());
    }

    @Test
    void craftedNodeCountIsRejectedBeforeAllocating() throws IOException {
        Path dir = tempDir.resolve("s");
        try (VersionedStore store = Stores.open("tree", dir, options(1, 3))) {
            store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
        }
        Path snapshot = onlyDataDirectory(dir).resolve("snapshot-00000001");
        byte[] bytes = Files.readAllBytes(snapshot);
        ByteBuffer.wrap(bytes).putInt(8 + 4 + 8, Integer.MAX_VALUE); // the node count
        Files.write(snapshot, bytes);
        CorruptionException e = assertThrows(CorruptionException.class, () -> TreeSnapshotFile.read(snapshot));
        assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());
        ByteBuffer.wrap(bytes).putInt(8 + 4 + 8, 1).putInt(8 + 4 + 8 + 4 + 1 + 8 + 8, Integer.MAX_VALUE); // key length
        Files.write(snapshot, bytes);
        assertThrows(CorruptionException.class, () -> TreeSnapshotFile.read(snapshot));
    }

    @Test
    void reopeningAfterAnUnfinishedImportDirectoryUsesTheCurrentOne() throws IOException {
        Path dir = tempDir.resolve("s");
        CommitInfo last;
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            last = store.commit(ChangeSet.builder().put(b("a"), b("1")).build(), CommitMetadata.EMPTY);
        }
        Path stray = dir.resolve("data-00000099");
        Files.createDirectory(stray);
        Files.write(stray.resolve("snapshot-00000001"), new byte[] {9, 9, 9});
        try (VersionedStore store = Stores.open("tree", dir, options(1000, 100))) {
            assertEquals(last, store.latest());
        }
        assertFalse(Files.exists(stray), "the unfinished import directory is deleted on open");
    }

    static Path onlyDataDirectory(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> data = entries.filter(p -> p.getFileName().toString().startsWith("data-")).toList();
            assertEquals(1, data.size(), "data directories: " + data);
            return data.get(0);
        }
    }
}
