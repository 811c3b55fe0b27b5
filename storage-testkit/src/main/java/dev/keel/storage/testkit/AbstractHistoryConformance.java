package dev.keel.storage.testkit;

import static dev.keel.storage.testkit.ModelAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance of versions over time: the retained window, historical views and ordered range
 * scans, rollback, prune, and what survives close and reopen.
 *
 * <p>The retained window is the {@code retainedVersions} most recent existing versions, where
 * the existing versions are {@code {0} ∪ [initialVersion..latest]}: a version outside it is a
 * {@link VersionNotRetainedException}, never another version.
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractHistoryConformance extends StoreConformanceSupport {
    /** Keys at the edges of unsigned byte order, several of them prefixes of others. */
    private static final byte[][] EDGE_KEYS = {
        bytes(0x00), bytes(0x00, 0x00), bytes(0x00, 0x01), bytes(0x01), bytes(0x61), bytes(0x61, 0x62),
        bytes(0x7f), bytes(0x7f, 0xff), bytes(0x80), bytes(0x80, 0x00), bytes(0xfe, 0xff), bytes(0xff),
        bytes(0xff, 0x00), bytes(0xff, 0xff), bytes(0xff, 0xff, 0xff),
    };
    /** Scan bounds that are not keys, between and around the edge keys. */
    private static final byte[][] BETWEEN_KEYS = {
        bytes(0x00, 0x00, 0x00), bytes(0x02), bytes(0x7f, 0x00), bytes(0x7f, 0xff, 0x00), bytes(0x80, 0xff),
        bytes(0xfe), bytes(0xff, 0xff, 0xff, 0xff),
    };

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractHistoryConformance() {
    }

    @Test
    void retainedWindowCountsVersionZeroAsAnExistingVersion() {
        StoreOptions opts = options().withRetainedVersions(3);
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            commit(store, model, changes("a=1"), metadata(1));
            commit(store, model, changes("a=2"), metadata(2));
            assertEquals(0, store.oldestRetainedVersion(), "versions 0, 1, 2 fit a window of 3");
            assertMatchesModel(model, store);
            commit(store, model, changes("a=3"), metadata(3));
            assertEquals(1, store.oldestRetainedVersion());
            assertNotRetained(store, 0);
            commit(store, model, changes("b=4"), metadata(4));
            commit(store, model, changes("-a"), metadata(5));
            assertEquals(3, store.oldestRetainedVersion());
            assertEquals(5, store.latestVersion());
            assertNotRetained(store, 2);
            assertNotRetained(store, 1);
            assertNotRetained(store, 6);
            assertMatchesModel(model, store);
        }
    }

    @Test
    void retainedWindowWithAnInitialVersionSkipsTheNumbersThatNeverExisted() {
        StoreOptions opts = options().withInitialVersion(1000).withRetainedVersions(3);
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            commit(store, model, changes("a=1"), metadata(1));
            commit(store, model, changes("a=2"), metadata(2));
            assertEquals(0, store.oldestRetainedVersion(), "versions 0, 1000, 1001 fit a window of 3");
            assertMatchesModel(model, store);
            commit(store, model, changes("a=3"), metadata(3));
            assertEquals(1000, store.oldestRetainedVersion());
            assertNotRetained(store, 0);
            assertNotRetained(store, 999);
            assertMatchesModel(model, store);
        }
    }

    @Test
    void viewShowsExactlyItsVersionWhileLaterCommitsHappen() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            CommitInfo first = commit(store, model, changes("a=1", "b=1", "c="), metadata(1));
            try (StoreView view = store.view(1)) {
                commit(store, model, changes("a=2", "-b", "d=2"), metadata(2));
                commit(store, model, changes("c=3", "-a", "e="), metadata(3));
                ModelAssertions.assertShows(model.snapshot(1), first.commitment(), view, () -> "view(1) opened before commits 2 and 3");
            }
            assertMatchesModel(model, store);
        }
    }

    @Test
    void viewOpenedBeforeARollbackKeepsShowingItsVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            commit(store, model, changes("a=1"), metadata(1));
            CommitInfo second = commit(store, model, changes("a=2", "b=2"), metadata(2));
            CommitInfo third = commit(store, model, changes("c=3"), metadata(3));
            ReferenceModel.Snapshot oldSecond = model.snapshot(2);
            ReferenceModel.Snapshot oldThird = model.snapshot(3);
            try (StoreView v2 = store.view(2); StoreView v3 = store.view(3)) {
                store.rollbackTo(1);
                model.rollbackTo(1);
                commit(store, model, changes("x=new"), metadata(20));
                ModelAssertions.assertShows(oldSecond, second.commitment(), v2, () -> "view(2) opened before the rollback");
                ModelAssertions.assertShows(oldThird, third.commitment(), v3, () -> "view(3) opened before the rollback");
            }
            assertMatchesModel(model, store);
        }
    }

    @Test
    void viewOpenedBeforeAPruneKeepsShowingItsVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            CommitInfo first = commit(store, model, changes("a=1", "b=1"), metadata(1));
            ReferenceModel.Snapshot oldFirst = model.snapshot(1);
            try (StoreView v1 = store.view(1)) {
                commit(store, model, changes("-a"), metadata(2));
                commit(store, model, changes("b=3"), metadata(3));
                store.pruneBefore(3);
                model.pruneBefore(3);
                assertNotRetained(store, 1);
                ModelAssertions.assertShows(oldFirst, first.commitment(), v1, () -> "view(1) opened before the prune");
            }
            assertMatchesModel(model, store);
        }
    }

    @Test
    void scanOrdersKeysAsUnsignedBytesWithHalfOpenBounds() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            ChangeSet.Builder all = ChangeSet.builder();
            // Added in reverse so that insertion order cannot pass for key order.
            for (int i = EDGE_KEYS.length - 1; i >= 0; i--) {
                all.put(EDGE_KEYS[i], bytes(i, 0x00, 0xff));
            }
            commit(store, model, all.build(), metadata(1));
            try (StoreView view = store.view(1)) {
                assertEquals(EDGE_KEYS.length, readAll(view).size());
                assertEveryRange(model.snapshot(1), view);
                assertEquals(List.of(), ModelAssertions.read(view, bytes(0x7f), bytes(0x7f)), "from == to is empty");
                assertEquals(model.snapshot(1).scan(bytes(0x7f), bytes(0x80)), ModelAssertions.read(view, bytes(0x7f), bytes(0x80)));
                assertEquals(2, ModelAssertions.read(view, bytes(0x7f), bytes(0x80)).size(), "[7f, 80) holds 7f and 7fff");
            }
        }
    }

    @Test
    void scanAtAHistoricalVersionShowsThatVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            ChangeSet.Builder evens = ChangeSet.builder();
            for (int i = 0; i < EDGE_KEYS.length; i += 2) {
                evens.put(EDGE_KEYS[i], bytes(1, i));
            }
            commit(store, model, evens.build(), metadata(1));
            ChangeSet.Builder second = ChangeSet.builder();
            for (int i = 0; i < EDGE_KEYS.length; i++) {
                if (i % 4 == 0) {
                    second.delete(EDGE_KEYS[i]);
                } else if (i % 2 == 1) {
                    second.put(EDGE_KEYS[i], bytes(2, i));
                } else {
                    second.put(EDGE_KEYS[i], new byte[0]);
                }
            }
            commit(store, model, second.build(), metadata(2));
            commit(store, model, ChangeSet.builder().delete(EDGE_KEYS[1]).delete(EDGE_KEYS[2]).build(), metadata(3));
            for (long v = 0; v <= 3; v++) {
                try (StoreView view = store.view(v)) {
                    assertEveryRange(model.snapshot(v), view);
                }
            }
        }
    }

    @Test
    void forEachPairVisitsExactlyWhatAFullScanReturnsAtEveryVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            ChangeSet.Builder all = ChangeSet.builder();
            for (int i = EDGE_KEYS.length - 1; i >= 0; i--) {
                all.put(EDGE_KEYS[i], bytes(i, 0x00, 0xff));
            }
            commit(store, model, all.build(), metadata(1));
            commit(store, model, ChangeSet.builder().delete(EDGE_KEYS[0]).put(EDGE_KEYS[3], new byte[0]).build(), metadata(2));
            for (long v = 0; v <= 2; v++) {
                try (StoreView view = store.view(v)) {
                    List<dev.keel.storage.api.KeyValue> visited = new java.util.ArrayList<>();
                    view.forEachPair((key, value) -> visited.add(new dev.keel.storage.api.KeyValue(key, value)));
                    assertEquals(model.snapshot(v).entries(), visited, "version " + v);
                }
            }
            StoreView closed = store.view(2);
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.forEachPair((key, value) -> { }));
        }
    }

    @Test
    void rollbackRestoresTheContentCommitmentAndMetadataOfTheTargetVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            commit(store, model, changes("a=1"), metadata(1));
            CommitInfo second = commit(store, model, changes("b=2", "a="), metadata(2));
            CommitInfo droppedThird = commit(store, model, changes("-a", "c=3"), metadata(3));
            commit(store, model, changes("d=4"), metadata(4));
            store.rollbackTo(2);
            model.rollbackTo(2);
            assertEquals(2, store.latestVersion());
            assertEquals(second, store.latest());
            assertNotRetained(store, 3);
            assertNotRetained(store, 4);
            assertTrue(store.get(b("c")).isEmpty());
            assertMatchesModel(model, store);
            CommitInfo next = commit(store, model, changes("e=5"), metadata(30));
            assertEquals(3, next.version(), "the commit after a rollback to 2 is 3");
            // Other content than the dropped version 3, so (for any collision-resistant scheme)
            // another commitment: a store must not serve the dropped version's.
            assertNotEquals(droppedThird.commitment(), next.commitment(), "new version 3 has the dropped version's commitment");
            try (StoreView v3 = store.view(3)) {
                assertEquals(next, v3.info());
            }
            assertMatchesModel(model, store);
        }
    }

    @Test
    void rollbackToZeroEmptiesTheStoreAndTheNextCommitIsTheInitialVersion() {
        StoreOptions opts = options().withInitialVersion(1000);
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            Commitment empty = store.commitment();
            commit(store, model, changes("a=1"), metadata(1));
            commit(store, model, changes("b=2"), metadata(2));
            store.rollbackTo(0);
            model.rollbackTo(0);
            assertEquals(0, store.latestVersion());
            assertTrue(store.isEmpty());
            assertEquals(empty, store.commitment());
            assertTrue(store.get(b("a")).isEmpty());
            assertNotRetained(store, 1000);
            assertEquals(1000, commit(store, model, changes("c=3"), metadata(3)).version());
            assertMatchesModel(model, store);
        }
    }

    @Test
    void rollbackToAVersionOutsideTheWindowIsRejectedAndChangesNothing() {
        StoreOptions opts = options().withRetainedVersions(3);
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            for (int i = 1; i <= 5; i++) {
                commit(store, model, changes("k" + i + "=" + i), metadata(i));
            }
            CommitInfo before = store.latest();
            assertThrows(VersionNotRetainedException.class, () -> store.rollbackTo(2));
            assertThrows(VersionNotRetainedException.class, () -> store.rollbackTo(0));
            assertThrows(VersionNotRetainedException.class, () -> store.rollbackTo(6));
            assertEquals(before, store.latest());
            assertEquals(3, store.oldestRetainedVersion());
            assertMatchesModel(model, store);
        }
    }

    @Test
    void pruneReleasesEveryOlderVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            for (int i = 1; i <= 4; i++) {
                commit(store, model, changes("k" + i + "=" + i), metadata(i));
            }
            store.pruneBefore(3);
            model.pruneBefore(3);
            assertEquals(3, store.oldestRetainedVersion());
            assertNotRetained(store, 0);
            assertNotRetained(store, 2);
            assertThrows(VersionNotRetainedException.class, () -> store.rollbackTo(2));
            assertMatchesModel(model, store);
            commit(store, model, changes("k5=5"), metadata(5));
            assertEquals(3, store.oldestRetainedVersion(), "a commit does not re-admit pruned versions");
            assertMatchesModel(model, store);
        }
    }

    @Test
    void pruneBeforeAVersionOutsideTheWindowIsRejectedAndChangesNothing() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            for (int i = 1; i <= 4; i++) {
                commit(store, model, changes("k" + i + "=" + i), metadata(i));
            }
            assertThrows(VersionNotRetainedException.class, () -> store.pruneBefore(5));
            assertEquals(0, store.oldestRetainedVersion());
            store.pruneBefore(2);
            model.pruneBefore(2);
            assertThrows(VersionNotRetainedException.class, () -> store.pruneBefore(1));
            assertEquals(2, store.oldestRetainedVersion());
            assertMatchesModel(model, store);
        }
    }

    @Test
    void reopenKeepsLatestVersionCommitmentContentMetadataAndRetainedViews() {
        StoreOptions opts = options().withRetainedVersions(4);
        ReferenceModel model = modelFor(opts);
        Map<Long, Commitment> commitments = new HashMap<>();
        try (VersionedStore store = open("s", opts)) {
            commitments.put(0L, store.commitment());
            for (int i = 1; i <= 6; i++) {
                String[] ops = i % 3 == 0 ? new String[] {"-k" + (i - 1), "e" + i + "="} : new String[] {"k" + i + "=" + i};
                commitments.put((long) i, commit(store, model, changes(ops), metadata(i)).commitment());
            }
        }
        try (VersionedStore store = open("s", opts)) {
            assertEquals(6, store.latestVersion());
            assertEquals(3, store.oldestRetainedVersion());
            assertEquals(commitments.get(6L), store.commitment());
            assertEquals(metadata(6), store.latest().metadata());
            assertMatchesModel(model, store);
            for (long v : model.retainedVersionNumbers()) {
                try (StoreView view = store.view(v)) {
                    assertEquals(commitments.get(v), view.commitment(), "commitment of version " + v + " after reopen");
                }
            }
            assertEquals(7, commit(store, model, changes("z=7"), metadata(7)).version());
        }
    }

    @Test
    void reopenKeepsTheEffectOfRollbackAndPrune() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        CommitInfo kept;
        try (VersionedStore store = open("s", opts)) {
            for (int i = 1; i <= 5; i++) {
                commit(store, model, changes("k" + i + "=" + i), metadata(i));
            }
            store.rollbackTo(4);
            model.rollbackTo(4);
            store.pruneBefore(2);
            model.pruneBefore(2);
            kept = store.latest();
        }
        try (VersionedStore store = open("s", opts)) {
            assertEquals(kept, store.latest());
            assertNotRetained(store, 5);
            assertNotRetained(store, 1);
            assertMatchesModel(model, store);
            assertEquals(5, commit(store, model, changes("z=new"), metadata(50)).version());
            assertMatchesModel(model, store);
        }
    }

    @Test
    void reopenOfAnEmptyStoreIsStillEmpty() {
        Commitment empty;
        try (VersionedStore store = open("s")) {
            empty = store.commitment();
        }
        try (VersionedStore store = open("s")) {
            assertTrue(store.isEmpty());
            assertEquals(empty, store.commitment());
            assertEquals(1, store.commit(changes("a=1"), metadata(1)).version());
        }
    }

    @Test
    void largeValuesAndManyKeysSurviveReopen() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i ^ (i >>> 8));
        }
        try (VersionedStore store = open("s", opts)) {
            ChangeSet.Builder many = ChangeSet.builder();
            for (int i = 0; i < 2000; i++) {
                many.put(b(String.format("key-%05d", i)), b("value-" + i));
            }
            many.put(b("big"), big);
            commit(store, model, many.build(), metadata(1));
        }
        try (VersionedStore store = open("s", opts)) {
            assertArrayEquals(big, store.get(b("big")).orElseThrow());
            try (StoreView view = store.view(1)) {
                assertEquals(model.snapshot(1).entries(), readAll(view));
            }
        }
    }

    private static void assertEveryRange(ReferenceModel.Snapshot expected, StoreView view) {
        List<byte[]> bounds = new ArrayList<>();
        bounds.add(null);
        bounds.addAll(List.of(EDGE_KEYS));
        bounds.addAll(List.of(BETWEEN_KEYS));
        for (byte[] from : bounds) {
            for (byte[] to : bounds) {
                if (from != null && to != null && java.util.Arrays.compareUnsigned(from, to) > 0) {
                    continue;
                }
                ModelAssertions.assertRange(expected, view, from, to, () -> "view(" + expected.version() + ")");
            }
        }
    }
}
