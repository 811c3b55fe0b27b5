package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Feeds one {@link History} to two stores of the backend under test and to a
 * {@link ReferenceModel}, and fails with an {@link AssertionError} naming the step as soon as
 * either store disagrees with the model or the two stores disagree with each other.
 *
 * <p>After every step that can change state it checks, for each store: latest and oldest
 * retained version; a view of every retained version (version, metadata, commitment, full scan,
 * point reads of the whole key table); point reads and two range scans at the latest version;
 * that the versions just outside the window are {@link VersionNotRetainedException}; and that the
 * views pinned by {@link History.PinView} still show their version. Commitments: both stores must
 * return the same commitment for every commit; a commit whose change set changes nothing (empty,
 * or only deletes of absent keys) keeps the previous commitment; a view's commitment is the one
 * its commit returned. A rollback or prune to a version the model does not retain must throw
 * {@link VersionNotRetainedException} and change nothing. At the end the latest version is
 * exported, imported into a third store and compared, and its logical export compared with the
 * model's pairs.
 *
 * <p>Used by both forms of {@link AbstractPropertyConformance} (fuzzed and seeded), and usable
 * directly against any store. Not thread-safe; one history at a time.
 */
public final class HistoryChecker {
    private static final int MAX_PINNED_VIEWS = 3;

    /** Opens (or reopens) the store in a directory; what a backend's conformance test provides. */
    @FunctionalInterface
    public interface StoreOpener {
        /**
         * @param dir the store's directory
         * @param options the options
         * @return the open store
         */
        VersionedStore open(Path dir, StoreOptions options);
    }

    private final StoreOpener opener;
    private final StoreOptions baseOptions;

    /**
     * @param opener opens the backend's stores
     * @param baseOptions local options; each history sets its own initial version and window
     */
    public HistoryChecker(StoreOpener opener, StoreOptions baseOptions) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.baseOptions = Objects.requireNonNull(baseOptions, "baseOptions");
    }

    /**
     * Runs the history in fresh sub-directories {@code a}, {@code b} and {@code import} of
     * {@code workDir}, closing every store and view it opened, whatever happens.
     *
     * @param history the history
     * @param workDir an empty directory
     * @throws AssertionError naming the first step at which a store diverged, with the history
     */
    public void check(History history, Path workDir) {
        Run run = new Run(history, workDir);
        AssertionError failure = null;
        try {
            run.execute();
        } catch (AssertionError | RuntimeException e) {
            failure = new AssertionError("store diverged at step " + run.step + " of " + history + ": " + e.getMessage(), e);
        }
        try {
            run.closeAll();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = new AssertionError("closing the stores failed after " + history, e);
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The state of one history being run. */
    private final class Run {
        private final History history;
        private final Path workDir;
        private final StoreOptions options;
        private final ReferenceModel model;
        private final Path[] dirs;
        private final VersionedStore[] stores = new VersionedStore[2];
        /** The commitment each version had when committed, for the current branch of history. */
        private final Map<Long, Commitment> commitments = new HashMap<>();
        private final List<Pinned> pinned = new ArrayList<>();
        private ChangeSet.Builder pending = ChangeSet.builder();
        private long commits;
        private int step = -1;

        Run(History history, Path workDir) {
            this.history = history;
            this.workDir = workDir;
            this.options = baseOptions.withInitialVersion(history.initialVersion())
                    .withRetainedVersions(history.retainedVersions());
            this.model = new ReferenceModel(history.initialVersion(), history.retainedVersions());
            this.dirs = new Path[] {workDir.resolve("a"), workDir.resolve("b")};
        }

        void execute() {
            for (int i = 0; i < 2; i++) {
                stores[i] = opener.open(dirs[i], options);
            }
            Commitment empty = stores[0].commitment();
            assertEquals(empty, stores[1].commitment(), "empty stores disagree");
            commitments.put(0L, empty);
            verify();
            for (History.Step s : history.steps()) {
                step++;
                apply(s);
            }
            step = history.steps().size();
            roundTrip();
        }

        private void apply(History.Step s) {
            if (s instanceof History.Put put) {
                pending.put(History.key(put.key()), History.value(put.value()));
                return;
            }
            if (s instanceof History.Delete delete) {
                pending.delete(History.key(delete.key()));
                return;
            }
            if (s instanceof History.Commit) {
                commit();
            } else if (s instanceof History.Rollback rollback) {
                long target = target(rollback.pick());
                if (model.isRetained(target)) {
                    for (VersionedStore store : stores) {
                        store.rollbackTo(target);
                    }
                    model.rollbackTo(target);
                    commitments.keySet().removeIf(v -> v > target);
                } else {
                    for (VersionedStore store : stores) {
                        assertThrows(VersionNotRetainedException.class, () -> store.rollbackTo(target),
                                "rollbackTo(" + target + ") outside the window");
                    }
                }
            } else if (s instanceof History.Prune prune) {
                long target = target(prune.pick());
                if (model.isRetained(target)) {
                    for (VersionedStore store : stores) {
                        store.pruneBefore(target);
                    }
                    model.pruneBefore(target);
                } else {
                    for (VersionedStore store : stores) {
                        assertThrows(VersionNotRetainedException.class, () -> store.pruneBefore(target),
                                "pruneBefore(" + target + ") outside the window");
                    }
                }
            } else if (s instanceof History.Reopen) {
                reopen();
            } else if (s instanceof History.PinView) {
                if (pinned.size() == MAX_PINNED_VIEWS) {
                    pinned.remove(0).view.close();
                }
                long latest = model.latestVersion();
                pinned.add(new Pinned(stores[0].view(latest), model.snapshot(latest), commitments.get(latest)));
            } else {
                throw new IllegalStateException("unknown step " + s);
            }
            verify();
        }

        private void commit() {
            ChangeSet changes = pending.build();
            pending = ChangeSet.builder();
            CommitMetadata metadata = History.commitMetadata(commits++);
            ReferenceModel.Snapshot before = model.latest();
            boolean changesNothing = true;
            for (Mutation m : changes.effective()) {
                changesNothing &= !m.isPut() && before.get(m.key()).isEmpty();
            }
            Commitment previous = commitments.get(before.version());
            long version = model.commit(changes, metadata);
            CommitInfo first = stores[0].commit(changes, metadata);
            CommitInfo second = stores[1].commit(changes, metadata);
            assertEquals(new CommitInfo(version, first.commitment(), metadata), first, "commit returned");
            assertEquals(first, second, "two stores fed the same history returned different commits");
            if (changesNothing) {
                assertEquals(previous, first.commitment(), "a change set that changes nothing changed the commitment");
            }
            commitments.put(version, first.commitment());
        }

        /**
         * Resolves a pick: mostly a retained version, sometimes the version after the latest or
         * the one before the oldest (neither retained).
         */
        private long target(int pick) {
            List<Long> retained = model.retainedVersionNumbers();
            if (pick < History.TARGET_PICKS - 2) {
                return retained.get(pick % retained.size());
            }
            if (pick == History.TARGET_PICKS - 2 || model.oldestRetainedVersion() == 0) {
                return model.latestVersion() + 1;
            }
            return model.oldestRetainedVersion() - 1;
        }

        private void reopen() {
            for (int i = 0; i < 2; i++) {
                stores[i].close();
                if (i == 0) {
                    for (Pinned p : pinned) {
                        assertThrows(IllegalStateException.class, p.view::version, "view left open when its store closed");
                        p.view.close();
                    }
                    pinned.clear();
                }
                stores[i] = null;
                stores[i] = opener.open(dirs[i], options);
            }
        }

        private void verify() {
            ReferenceModel.Snapshot latest = model.latest();
            for (int i = 0; i < 2; i++) {
                VersionedStore store = stores[i];
                String name = i == 0 ? "store a" : "store b";
                assertEquals(model.latestVersion(), store.latestVersion(), () -> name + ": latest version");
                assertEquals(model.oldestRetainedVersion(), store.oldestRetainedVersion(), () -> name + ": oldest retained version");
                assertEquals(new CommitInfo(latest.version(), commitments.get(latest.version()), latest.metadata()),
                        store.latest(), () -> name + ": latest()");
                for (long v : model.retainedVersionNumbers()) {
                    try (StoreView view = store.view(v)) {
                        ModelAssertions.assertShows(model.snapshot(v), commitments.get(v), view, () -> name + " view(" + v + ")");
                    }
                }
                for (int k = 0; k < History.keyCount(); k++) {
                    byte[] key = History.key(k);
                    ModelAssertions.assertValue(latest.get(key), store.get(key), () -> name + ": get at latest");
                }
                try (StoreView view = store.view(latest.version())) {
                    int a = step < 0 ? 0 : step % History.keyCount();
                    int c = (a + 3) % History.keyCount();
                    byte[] from = History.key(Math.min(a, c));
                    byte[] to = History.key(Math.max(a, c));
                    ModelAssertions.assertRange(latest, view, from, to, () -> name);
                    ModelAssertions.assertRange(latest, view, History.key(a), null, () -> name);
                }
                assertNotRetained(store, model.latestVersion() + 1, name);
                if (model.oldestRetainedVersion() > 0) {
                    assertNotRetained(store, model.oldestRetainedVersion() - 1, name);
                }
            }
            for (Pinned p : pinned) {
                ModelAssertions.assertShows(p.snapshot, p.commitment, p.view, () -> "view(" + p.snapshot.version() + ") pinned earlier");
            }
        }

        private void assertNotRetained(VersionedStore store, long version, String name) {
            assertThrows(VersionNotRetainedException.class, () -> {
                try (StoreView wrong = store.view(version)) {
                    fail(name + ": view(" + version + ") returned version " + wrong.version());
                }
            }, () -> name + ": view(" + version + ") outside the window");
        }

        /** Export, import into a fresh store, compare; and the logical export against the model. */
        private void roundTrip() {
            ReferenceModel.Snapshot latest = model.latest();
            List<ExportRecord> expectedPairs = new ArrayList<>();
            for (KeyValue kv : latest.entries()) {
                expectedPairs.add(ExportRecord.keyValue(kv.key(), kv.value()));
            }
            List<ExportRecord> logical = new ArrayList<>();
            try (StoreExport export = stores[1].exportLogical(latest.version())) {
                export.forEachRemaining(logical::add);
            }
            assertEquals(expectedPairs, logical, "logical export of the latest version");
            if (latest.version() == 0) {
                return;
            }
            CommitInfo exported = new CommitInfo(latest.version(), commitments.get(latest.version()), latest.metadata());
            try (StoreExport export = stores[0].export(latest.version());
                 VersionedStore target = opener.open(workDir.resolve("import"), options)) {
                assertEquals(exported, export.info(), "export info");
                assertEquals(exported, target.importFrom(ImportSource.of(export), ProgressListener.NONE), "import");
                assertEquals(latest.version(), target.oldestRetainedVersion(), "imported store's oldest version");
                try (StoreView view = target.view(latest.version())) {
                    ModelAssertions.assertShows(latest, exported.commitment(), view, () -> "imported store");
                }
            }
        }

        /** Closes every view and store, reporting every failure (the first thrown, others suppressed). */
        void closeAll() {
            List<AutoCloseable> resources = new ArrayList<>();
            for (Pinned p : pinned) {
                resources.add(p.view);
            }
            for (VersionedStore store : stores) {
                if (store != null) {
                    resources.add(store);
                }
            }
            RuntimeException failure = null;
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing the stores of a history failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            pinned.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** A view kept open across later steps, with what it must keep showing. */
    private record Pinned(StoreView view, ReferenceModel.Snapshot snapshot, Commitment commitment) {
    }
}
