package dev.keel.storage.testkit;

import static dev.keel.storage.testkit.ModelAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Conformance of commits: version numbering (initial version included), what a commit returns,
 * change-set semantics (last write wins, delete of an absent key, empty value versus absence),
 * the commitment rules that hold for every backend, and the key and value size limits.
 *
 * <p>Commitments are compared only within one store's history or between stores fed the same
 * history: a tree backend's root depends on history, so returning to earlier content need not
 * give the earlier commitment, and that is not asserted.
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractCommitConformance extends StoreConformanceSupport {

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractCommitConformance() {
    }

    @Test
    void emptyStoreIsVersionZeroWithoutKeys() {
        try (VersionedStore store = open("s")) {
            assertEquals(0, store.latestVersion());
            assertEquals(0, store.oldestRetainedVersion());
            assertTrue(store.isEmpty());
            assertEquals(1, store.initialVersion());
            CommitInfo latest = store.latest();
            assertEquals(0, latest.version());
            assertEquals(CommitMetadata.EMPTY, latest.metadata());
            assertEquals(store.commitmentScheme(), latest.commitment().scheme());
            assertEquals(latest.commitment(), store.commitment());
            assertTrue(store.get(b("a")).isEmpty());
            try (StoreView view = store.view(0)) {
                assertEquals(latest, view.info());
                assertTrue(view.get(b("a")).isEmpty());
                assertEquals(List.of(), readAll(view));
            }
            try (StoreView view = store.latestView()) {
                assertEquals(0, view.version());
            }
        }
    }

    @Test
    void firstCommitCreatesVersionOneAndEachLaterCommitTheNext() {
        try (VersionedStore store = open("s")) {
            assertEquals(1, store.commit(changes("a=1"), metadata(1)).version());
            assertEquals(2, store.commit(changes("b=2"), metadata(2)).version());
            assertEquals(3, store.commit(changes("a=3"), metadata(3)).version());
            assertEquals(3, store.latestVersion());
            assertEquals(3, store.latest().version());
            assertEquals(0, store.oldestRetainedVersion());
            assertArrayEquals(b("3"), store.get(b("a")).orElseThrow());
            assertArrayEquals(b("2"), store.get(b("b")).orElseThrow());
        }
    }

    @Test
    void firstCommitCreatesTheConfiguredInitialVersion() {
        try (VersionedStore store = open("s", options().withInitialVersion(1000))) {
            assertEquals(1000, store.initialVersion());
            assertEquals(1000, store.commit(changes("a=1"), metadata(1)).version());
            assertEquals(1001, store.commit(changes("a=2"), metadata(2)).version());
            assertEquals(0, store.oldestRetainedVersion());
            try (StoreView zero = store.view(0)) {
                assertEquals(0, zero.version());
                assertTrue(zero.get(b("a")).isEmpty());
            }
            try (StoreView first = store.view(1000)) {
                assertArrayEquals(b("1"), first.get(b("a")).orElseThrow());
            }
            assertNotRetained(store, 1);
            assertNotRetained(store, 500);
            assertNotRetained(store, 999);
            assertNotRetained(store, 1002);
        }
    }

    @Test
    void reopeningWithAnotherInitialVersionIsRejectedAndChangesNothing() {
        StoreOptions genesis = options().withInitialVersion(1000);
        Commitment committed;
        try (VersionedStore store = open("s", genesis)) {
            committed = store.commit(changes("a=1"), metadata(1)).commitment();
        }
        assertOpenFails(StoreConfigurationException.class, dir("s"), genesis.withInitialVersion(1));
        assertOpenFails(StoreConfigurationException.class, dir("s"), genesis.withInitialVersion(1001));
        try (VersionedStore store = open("s", genesis)) {
            assertEquals(1000, store.latestVersion());
            assertEquals(committed, store.commitment());
            assertArrayEquals(b("1"), store.get(b("a")).orElseThrow());
        }
    }

    @Test
    void commitReturnsItsVersionCommitmentAndMetadata() {
        try (VersionedStore store = open("s")) {
            CommitInfo first = store.commit(changes("a=1"), metadata(7));
            assertEquals(1, first.version());
            assertEquals(metadata(7), first.metadata());
            assertEquals(store.commitmentScheme(), first.commitment().scheme());
            assertEquals(first, store.latest());
            assertEquals(first.commitment(), store.commitment());
            CommitInfo second = store.commit(changes("b=2"), metadata(8));
            assertEquals(second, store.latest());
            try (StoreView v1 = store.view(1); StoreView v2 = store.view(2)) {
                assertEquals(first, v1.info());
                assertEquals(metadata(7), v1.metadata());
                assertEquals(second, v2.info());
            }
        }
    }

    @Test
    void emptyChangeSetCreatesANewVersionWithTheSameCommitment() {
        try (VersionedStore store = open("s")) {
            Commitment empty = store.commitment();
            CommitInfo first = store.commit(ChangeSet.empty(), metadata(1));
            assertEquals(1, first.version());
            assertEquals(empty, first.commitment(), "empty change set on the empty store");
            CommitInfo second = store.commit(changes("a=1", "b="), metadata(2));
            CommitInfo third = store.commit(ChangeSet.empty(), metadata(3));
            assertEquals(3, third.version());
            assertEquals(second.commitment(), third.commitment());
            assertEquals(metadata(3), third.metadata());
            try (StoreView v2 = store.view(2); StoreView v3 = store.view(3)) {
                assertEquals(readAll(v2), readAll(v3));
                assertEquals(v2.commitment(), v3.commitment());
            }
        }
    }

    @Test
    void putThenDeleteOfAnAbsentKeyLeavesTheCommitmentUnchanged() {
        try (VersionedStore store = open("s")) {
            CommitInfo before = store.commit(changes("a=1"), metadata(1));
            CommitInfo after = store.commit(changes("b=2", "-b"), metadata(2));
            assertEquals(before.commitment(), after.commitment());
            assertTrue(store.get(b("b")).isEmpty());
            assertArrayEquals(b("1"), store.get(b("a")).orElseThrow());
        }
    }

    @Test
    void deletingAnAbsentKeyIsANoOp() {
        try (VersionedStore store = open("s")) {
            CommitInfo before = store.commit(changes("a=1"), metadata(1));
            CommitInfo after = store.commit(changes("-zzz"), metadata(2));
            assertEquals(2, after.version());
            assertEquals(before.commitment(), after.commitment());
            try (StoreView v2 = store.view(2)) {
                assertEquals(List.of(new KeyValue(b("a"), b("1"))), readAll(v2));
            }
        }
    }

    @Test
    void lastOperationOnAKeyWinsWithinOneChangeSet() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            commit(store, model, changes("b=0", "d=0"), metadata(1));
            commit(store, model, changes("a=1", "a=2", "b=1", "-b", "-c", "c=3", "-d", "d=", "e=1", "-e"), metadata(2));
            assertArrayEquals(b("2"), store.get(b("a")).orElseThrow());
            assertTrue(store.get(b("b")).isEmpty());
            assertArrayEquals(b("3"), store.get(b("c")).orElseThrow());
            assertArrayEquals(new byte[0], store.get(b("d")).orElseThrow());
            assertTrue(store.get(b("e")).isEmpty());
            assertMatchesModel(model, store);
        }
    }

    @Test
    void emptyValueIsPresentAndDistinctFromAbsence() {
        try (VersionedStore store = open("s")) {
            CommitInfo absent = store.commit(changes("a=1"), metadata(1));
            CommitInfo empty = store.commit(changes("e="), metadata(2));
            Optional<byte[]> read = store.get(b("e"));
            assertTrue(read.isPresent(), "an empty value is present");
            assertEquals(0, read.get().length);
            assertTrue(store.get(b("f")).isEmpty());
            assertNotEquals(absent.commitment(), empty.commitment(), "empty value and absence share a commitment");
            try (StoreView v2 = store.view(2)) {
                assertEquals(List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("e"), new byte[0])), readAll(v2));
                assertEquals(0, v2.get(b("e")).orElseThrow().length);
            }
            CommitInfo deleted = store.commit(changes("-e"), metadata(3));
            assertTrue(store.get(b("e")).isEmpty());
            assertNotEquals(empty.commitment(), deleted.commitment());
        }
    }

    @Test
    void emptyValueOnTheEmptyStoreChangesTheCommitment() {
        try (VersionedStore store = open("s")) {
            Commitment nothing = store.commitment();
            assertNotEquals(nothing, store.commit(changes("e="), metadata(1)).commitment());
        }
    }

    @Test
    void updatingAValueChangesTheCommitment() {
        try (VersionedStore store = open("s")) {
            Commitment c1 = store.commit(changes("a=1", "b=1"), metadata(1)).commitment();
            Commitment c2 = store.commit(changes("a=2"), metadata(2)).commitment();
            Commitment c3 = store.commit(changes("a="), metadata(3)).commitment();
            Commitment c4 = store.commit(changes("c=1"), metadata(4)).commitment();
            assertNotEquals(c1, c2);
            assertNotEquals(c2, c3);
            assertNotEquals(c3, c4);
        }
    }

    @Test
    void storesFedTheSameHistoryHaveTheSameCommitmentAtEveryVersion() {
        List<ChangeSet> history = List.of(changes("a=1", "b=2"), changes("c=", "-a"), ChangeSet.empty(),
                changes("b=3", "-zz"), changes("a=4", "d=5", "-c"));
        List<CommitInfo> first = new ArrayList<>();
        List<CommitInfo> second = new ArrayList<>();
        try (VersionedStore one = open("one"); VersionedStore two = open("two")) {
            assertEquals(one.commitment(), two.commitment(), "empty stores");
            for (int i = 0; i < history.size(); i++) {
                first.add(one.commit(history.get(i), metadata(i)));
                second.add(two.commit(history.get(i), metadata(i)));
            }
        }
        assertEquals(first, second);
    }

    @Test
    void emptyKeyIsRejectedBeforeAnythingIsWritten() {
        byte[] empty = new byte[0];
        ChangeSet.Builder builder = ChangeSet.builder();
        assertThrows(IllegalArgumentException.class, () -> builder.put(empty, b("v")));
        assertThrows(IllegalArgumentException.class, () -> builder.delete(empty));
        assertThrows(IllegalArgumentException.class, () -> Mutation.put(empty, b("v")));
        assertEquals(0, builder.size(), "a rejected operation was added");
        try (VersionedStore store = open("s")) {
            CommitInfo before = store.commit(changes("a=1"), metadata(1));
            assertThrows(IllegalArgumentException.class, () -> store.get(empty));
            try (StoreView view = store.view(1)) {
                assertThrows(IllegalArgumentException.class, () -> view.get(empty));
            }
            assertEquals(before, store.latest());
        }
    }

    @Test
    void keyLongerThanTheLimitIsRejectedBeforeAnythingIsWritten() {
        byte[] tooLong = new byte[Limits.MAX_KEY_BYTES + 1];
        ChangeSet.Builder builder = ChangeSet.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.put(tooLong, b("v")));
        assertTrue(e.getMessage().contains(Integer.toString(Limits.MAX_KEY_BYTES)), "message names the limit: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.delete(tooLong));
        assertEquals(0, builder.size(), "a rejected operation was added");
        try (VersionedStore store = open("s")) {
            CommitInfo before = store.commit(changes("a=1"), metadata(1));
            assertThrows(IllegalArgumentException.class, () -> store.get(tooLong));
            try (StoreView view = store.view(1)) {
                assertThrows(IllegalArgumentException.class, () -> view.get(tooLong));
            }
            assertEquals(before, store.latest());
        }
    }

    @Test
    void valueLongerThanTheLimitIsRejectedBeforeAnythingIsWritten() {
        byte[] tooLong = new byte[Limits.MAX_VALUE_BYTES + 1];
        ChangeSet.Builder builder = ChangeSet.builder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.put(b("k"), tooLong));
        assertTrue(e.getMessage().contains(Integer.toString(Limits.MAX_VALUE_BYTES)), "message names the limit: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Mutation.put(b("k"), tooLong));
        assertEquals(0, builder.size(), "a rejected operation was added");
        try (VersionedStore store = open("s")) {
            CommitInfo before = store.commit(changes("a=1"), metadata(1));
            assertEquals(before, store.latest());
            assertTrue(store.get(b("k")).isEmpty());
        }
    }

    @Test
    void keyOfExactlyTheLimitAndValueOfExactlyTheLimitAreStoredAndReadBack() {
        byte[] key = new byte[Limits.MAX_KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        byte[] value = new byte[Limits.MAX_VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + (i >>> 16));
        }
        try (VersionedStore store = open("s")) {
            CommitInfo info = store.commit(ChangeSet.builder().put(key, value).put(b("small"), b("1")).build(), metadata(1));
            assertEquals(1, info.version());
            assertArrayEquals(value, store.get(key).orElseThrow(), "16 MiB value read back");
            try (StoreView view = store.view(1); KeyValueIterator it = view.scan()) {
                assertArrayEquals(value, view.get(key).orElseThrow());
                KeyValue first = it.next();
                assertArrayEquals(key, first.key(), "64 KiB key is first in key order");
                assertArrayEquals(value, first.value());
                assertArrayEquals(b("small"), it.next().key());
                assertTrue(!it.hasNext());
            }
        }
    }
}
