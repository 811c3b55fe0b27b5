package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker behind the property tests must fail on a store that breaks the contract; a checker
 * that passes everything would make those tests worthless.
 */
class HistoryCheckerTest {
    private static final long SEED = 20_250_101L;

    @TempDir
    Path tempDir;

    /** Loses every delete of a change set. */
    private static final class DeleteDroppingStore extends ForwardingStore {
        DeleteDroppingStore(VersionedStore delegate) {
            super(delegate);
        }

        @Override
        public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
            ChangeSet.Builder putsOnly = ChangeSet.builder();
            for (Mutation m : changes.mutations()) {
                if (m.isPut()) {
                    putsOnly.add(m);
                }
            }
            return delegate.commit(putsOnly.build(), metadata);
        }
    }

    /** Answers a request for a version it no longer holds with the oldest one it has. */
    private static final class NeighbourServingStore extends ForwardingStore {
        NeighbourServingStore(VersionedStore delegate) {
            super(delegate);
        }

        @Override
        public StoreView view(long version) {
            long oldest = delegate.oldestRetainedVersion();
            return delegate.view(version < oldest ? oldest : version);
        }
    }

    /** Stores an empty value as absence. */
    private static final class EmptyValueDroppingStore extends ForwardingStore {
        EmptyValueDroppingStore(VersionedStore delegate) {
            super(delegate);
        }

        @Override
        public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
            ChangeSet.Builder b = ChangeSet.builder();
            for (Mutation m : changes.mutations()) {
                b.add(m.isPut() && m.value().length == 0 ? Mutation.delete(m.key()) : m);
            }
            return delegate.commit(b.build(), metadata);
        }
    }

    private static HistoryChecker checkerOf(UnaryOperator<VersionedStore> breakage) {
        return new HistoryChecker((dir, options) -> breakage.apply(ModelStore.open(dir, options)),
                StoreOptions.defaults().withSync(false));
    }

    @Test
    void passesTheModelStoreOnAHandWrittenHistory() {
        checkerOf(UnaryOperator.identity()).check(deleteHistory(), tempDir.resolve("h"));
    }

    @Test
    void failsAStoreThatDropsDeletes() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> checkerOf(DeleteDroppingStore::new).check(deleteHistory(), tempDir.resolve("h")));
        assertTrue(e.getMessage().contains("step 3"), "the failure names the commit of the delete: " + e.getMessage());
    }

    @Test
    void failsAStoreThatDropsDeletesOnSeededRandomHistories() {
        assertThrows(AssertionError.class, () -> runRandomHistories(checkerOf(DeleteDroppingStore::new)));
    }

    @Test
    void failsAStoreThatServesANeighbourOfAPrunedVersion() {
        History history = new History(1, 5, List.of(new History.Put(0, 1), new History.Commit(),
                new History.Put(0, 2), new History.Commit(), new History.Prune(2)));
        assertThrows(AssertionError.class,
                () -> checkerOf(NeighbourServingStore::new).check(history, tempDir.resolve("h")));
    }

    @Test
    void failsAStoreThatStoresEmptyValuesAsAbsence() {
        History history = new History(1, 3, List.of(new History.Put(2, 0), new History.Commit()));
        assertEquals(0, History.value(0).length, "value 0 is the empty value");
        assertThrows(AssertionError.class,
                () -> checkerOf(EmptyValueDroppingStore::new).check(history, tempDir.resolve("h")));
    }

    @Test
    void passesTheModelStoreOnTheSameSeededRandomHistories() {
        runRandomHistories(checkerOf(UnaryOperator.identity()));
    }

    @Test
    void sameSeedGivesTheSameHistory() {
        assertEquals(History.random(new Random(SEED), 60), History.random(new Random(SEED), 60));
    }

    @Test
    void failureOnAPinnedViewIsReportedWithTheHistory() {
        History history = new History(1, 2, List.of(new History.Put(1, 3), new History.Commit(), new History.PinView(),
                new History.Delete(1), new History.Commit(), new History.Commit(), new History.Reopen()));
        checkerOf(UnaryOperator.identity()).check(history, tempDir.resolve("ok"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> checkerOf(DeleteDroppingStore::new).check(history, tempDir.resolve("broken")));
        assertTrue(e.getMessage().contains("History[initialVersion=1"), e.getMessage());
    }

    /** Put key 0, commit, delete it, commit: step 3 is the commit of the delete. */
    private static History deleteHistory() {
        return new History(1, 3, List.of(new History.Put(0, 1), new History.Commit(), new History.Delete(0),
                new History.Commit(), new History.Commit()));
    }

    private void runRandomHistories(HistoryChecker checker) {
        Random seeds = new Random(SEED);
        for (int i = 0; i < 10; i++) {
            checker.check(History.random(new Random(seeds.nextLong()), AbstractPropertyConformance.STEPS),
                    tempDir.resolve("history-" + i));
        }
    }
}
