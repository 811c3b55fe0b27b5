package dev.keel.storage.tree;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.CommitmentMismatchException;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.PairVisitor;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreNotEmptyException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tree} backend's store: the retained versions are roots of one persistent IAVL tree in
 * memory (each commit copies only the paths it changes), made durable by a changelog appended on
 * every commit, rollback and prune, over the last tree snapshot (see {@link DataDirectory}).
 *
 * <p>Threads: commits, rollbacks, prunes, imports and snapshot writes run one at a time under a
 * writer lock. The retained versions are published as one immutable map in a volatile field, so a
 * reader reads one consistent set of versions without a lock, and a view holds its version's root,
 * which keeps that tree reachable until the view is dropped, whatever the writer does meanwhile.
 */
final class TreeStore implements VersionedStore {
    /** Backend property: changelog records between two tree snapshots (default 1000, as memIAVL). */
    static final String SNAPSHOT_INTERVAL = "tree.snapshot-interval";
    private static final int DEFAULT_SNAPSHOT_INTERVAL = 1000;
    /** Close writes a tree snapshot when at least this many changelog records follow the last one. */
    static final int CLOSE_SNAPSHOT_RECORDS = 64;
    private static final int PROGRESS_EVERY = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TreeStore.class);

    private final StoreDirectory directory;
    private final StoreOptions options;
    private final int snapshotInterval;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Hashes the nodes of each new version (on several threads for a large commit). */
    private final CommitHasher hasher;
    /** The retained versions, oldest first; replaced (never modified) under {@link #writeLock}. */
    private volatile NavigableMap<Long, SavedVersion> versions;
    /** Guarded by {@link #writeLock}. */
    private DataDirectory data;
    /** Changelog records since the last tree snapshot; guarded by {@link #writeLock}. */
    private long recordsSinceSnapshot;
    /** Runs on the snapshot thread before each background snapshot is written (tests hold it there). */
    volatile Runnable beforeSnapshotWrite = () -> { };
    /** The background tree snapshot in flight, if any; guarded by the writer lock. */
    private PendingSnapshot pending;
    /** Writes tree snapshots; created on first use, stopped by close. Guarded by the writer lock. */
    private java.util.concurrent.ExecutorService snapshotThread;

    private TreeStore(StoreDirectory directory, StoreOptions options, int snapshotInterval) {
        this.directory = directory;
        this.options = options;
        this.snapshotInterval = snapshotInterval;
        this.hasher = new CommitHasher(options.hashThreads());
    }

    /**
     * Opens or creates the store: the active data directory's last tree snapshot, then its changelog
     * replayed on top (only the changed paths are hashed).
     *
     * @throws StoreConfigurationException if the directory holds another store or initial version,
     *     or a backend property is invalid
     * @throws CorruptionException naming the damaged file
     * @throws StorageException on an I/O failure
     */
    static TreeStore open(Path root, StoreOptions options) {
        int interval = snapshotInterval(options);
        StoreDirectory directory = StoreDirectory.open(root, options.initialVersion());
        Path current = directory.current();
        if (current == null) {
            current = directory.newDataDirectory();
            directory.switchTo(current);
        }
        directory.deleteAllExcept(current);
        DataDirectory.Loaded[] loaded = new DataDirectory.Loaded[1];
        DataDirectory data = DataDirectory.open(current, options.sync(), loaded);
        TreeStore store = new TreeStore(directory, options, interval);
        try {
            store.data = data;
            store.restore(loaded[0]);
        } catch (RuntimeException e) {
            store.hasher.close();
            data.close();
            throw e;
        }
        LOG.info("opened tree store {} at version {} ({} retained versions, {} changelog records replayed)",
                root, store.latestVersion(), store.versions.size(), loaded[0].entries().size());
        return store;
    }

    private static int snapshotInterval(StoreOptions options) {
        String value = options.backendProperties().get(SNAPSHOT_INTERVAL);
        if (value == null) {
            return DEFAULT_SNAPSHOT_INTERVAL;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException("must be >= 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new StoreConfigurationException(SNAPSHOT_INTERVAL + " must be a positive integer: '" + value + "'");
        }
    }

    private void restore(DataDirectory.Loaded loaded) {
        TreeMap<Long, SavedVersion> map = new TreeMap<>();
        if (loaded.snapshot() == null) {
            map.put(0L, SavedVersion.empty());
        } else {
            if (loaded.snapshot().initialVersion() != options.initialVersion()) {
                throw new CorruptionException(data.path(),
                        "tree snapshot records initial version " + loaded.snapshot().initialVersion()
                                + " but the store was created with " + options.initialVersion());
            }
            for (SavedVersion v : loaded.snapshot().versions()) {
                map.put(v.version(), v);
            }
        }
        Path log = data.changelog().file();
        for (Changelog.Entry entry : loaded.entries()) {
            if (entry instanceof Changelog.CommitEntry c) {
                long expected = nextVersion(map);
                if (c.version() != expected) {
                    throw new CorruptionException(log, "commit of version " + c.version() + " where " + expected + " comes next");
                }
                SavedVersion v = apply(map.lastEntry().getValue(), c.version(), Changes.of(c.mutations()), c.metadata());
                if (!Arrays.equals(v.rootHash(), c.rootHash())) {
                    throw new CorruptionException(log, "replaying version " + c.version() + " yields root "
                            + v.commitment().hex() + " but the commit recorded " + new Commitment(Commitment.IAVL_SHA256, c.rootHash()).hex());
                }
                map.put(v.version(), v);
                if (!map.containsKey(c.oldestRetained())) {
                    throw new CorruptionException(log, "commit of version " + c.version() + " keeps versions from "
                            + c.oldestRetained() + ", which does not exist");
                }
                map.headMap(c.oldestRetained(), false).clear();
            } else if (entry instanceof Changelog.RollbackEntry r) {
                requireReplayable(map, r.version(), log, "rollback");
                map.tailMap(r.version(), false).clear();
            } else if (entry instanceof Changelog.PruneEntry p) {
                requireReplayable(map, p.version(), log, "prune");
                map.headMap(p.version(), false).clear();
            }
        }
        versions = Collections.unmodifiableNavigableMap(map);
        recordsSinceSnapshot = loaded.entries().size();
    }

    private static void requireReplayable(NavigableMap<Long, SavedVersion> map, long version, Path log, String what) {
        if (!map.containsKey(version)) {
            throw new CorruptionException(log, what + " to version " + version + ", which is not retained ("
                    + map.firstKey() + ".." + map.lastKey() + ")");
        }
    }

    private long nextVersion(NavigableMap<Long, SavedVersion> map) {
        long latest = map.lastKey();
        return latest == 0 ? options.initialVersion() : latest + 1;
    }

    /**
     * Builds the next version from {@code base}. The effective operations are applied in key order
     * (one per key, the last one given), as the Cosmos SDK's cache store writes a block's changes to
     * iavl; so the root is a function of the effective change set, and a put followed by a delete of
     * an absent key in one change set copies nothing.
     */
    private SavedVersion apply(SavedVersion base, long version, Changes effective, CommitMetadata md) {
        WorkingTree tree = new WorkingTree(base.root(), version);
        for (int i = 0; i < effective.size(); i++) {
            if (effective.isPut(i)) {
                tree.set(effective.key(i), effective.value(i));
            } else {
                tree.remove(effective.key(i));
            }
        }
        Node root = tree.root();
        // An empty commit keeps the root (and its hash); iavl does the same.
        byte[] hash;
        if (root == base.root()) {
            hash = base.rootHash();
        } else if (root == null) {
            hash = NodeHasher.EMPTY_ROOT.clone();
        } else {
            hash = hasher.hash(root, effective.size());
        }
        return new SavedVersion(version, root, hash, md);
    }

    @Override
    public String backend() {
        checkOpen();
        return StoreDirectory.BACKEND;
    }

    @Override
    public String commitmentScheme() {
        checkOpen();
        return Commitment.IAVL_SHA256;
    }

    @Override
    public long initialVersion() {
        checkOpen();
        return options.initialVersion();
    }

    @Override
    public long latestVersion() {
        checkOpen();
        return versions.lastKey();
    }

    @Override
    public long oldestRetainedVersion() {
        checkOpen();
        return versions.firstKey();
    }

    @Override
    public CommitInfo latest() {
        checkOpen();
        return versions.lastEntry().getValue().info();
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Limits.checkKey(key);
        checkOpen();
        byte[] value = TreeReads.get(versions.lastEntry().getValue().root(), key);
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    @Override
    public StoreView view(long version) {
        checkOpen();
        return new TreeView(retained(versions, version));
    }

    private static SavedVersion retained(NavigableMap<Long, SavedVersion> map, long version) {
        SavedVersion v = map.get(version);
        if (v == null) {
            throw new VersionNotRetainedException(version, map.firstKey(), map.lastKey());
        }
        return v;
    }

    @Override
    public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(metadata, "metadata");
        synchronized (writeLock) {
            checkOpen();
            NavigableMap<Long, SavedVersion> map = versions;
            long version = nextVersion(map);
            Changes effective = Changes.of(changes.effective());
            SavedVersion next = apply(map.lastEntry().getValue(), version, effective, metadata);
            TreeMap<Long, SavedVersion> updated = new TreeMap<>(map);
            updated.put(version, next);
            while (updated.size() > options.retainedVersions()) {
                updated.pollFirstEntry();
            }
            // Durable before visible: a reader never sees a version a crash could take back.
            data.changelog().appendCommit(version, updated.firstKey(), next.rootHash(), metadata, effective);
            versions = Collections.unmodifiableNavigableMap(updated);
            recordsSinceSnapshot++;
            maybeSnapshot();
            return next.info();
        }
    }

    @Override
    public void rollbackTo(long version) {
        synchronized (writeLock) {
            checkOpen();
            NavigableMap<Long, SavedVersion> map = versions;
            retained(map, version);
            if (version == map.lastKey()) {
                return;
            }
            data.changelog().appendRollback(version);
            versions = Collections.unmodifiableNavigableMap(new TreeMap<>(map.headMap(version, true)));
            recordsSinceSnapshot++;
            maybeSnapshot();
        }
    }

    @Override
    public void pruneBefore(long version) {
        synchronized (writeLock) {
            checkOpen();
            NavigableMap<Long, SavedVersion> map = versions;
            retained(map, version);
            if (version == map.firstKey()) {
                return;
            }
            data.changelog().appendPrune(version);
            versions = Collections.unmodifiableNavigableMap(new TreeMap<>(map.tailMap(version, true)));
            recordsSinceSnapshot++;
            maybeSnapshot();
        }
    }

    /**
     * Starts a tree snapshot every {@link #SNAPSHOT_INTERVAL} changelog records, so a restart
     * replays a bounded changelog. The snapshot file is written on a background thread from the
     * immutable versions of this moment, while commits go on appending to the current changelog;
     * the changelog records appended meanwhile are copied into the new generation's changelog when
     * it is installed, under the writer lock (see {@link DataDirectory#prepare}). The operation
     * that triggers it is already durable in the changelog and published, so a failed snapshot
     * must not fail anything: the previous generation stays complete and in use, the failure is
     * logged, and the next attempt comes one interval later. Caller holds the writer lock.
     */
    private void maybeSnapshot() {
        if (recordsSinceSnapshot < snapshotInterval || pending != null) {
            return;
        }
        NavigableMap<Long, SavedVersion> map = versions;
        DataDirectory d = data;
        List<SavedVersion> snapshotVersions = new ArrayList<>(map.values());
        PendingSnapshot p = new PendingSnapshot(d, map.firstKey(), map.lastKey());
        d.changelog().startRecording();
        recordsSinceSnapshot = 0;
        pending = p;
        Runnable hook = beforeSnapshotWrite;
        snapshotExecutor().execute(() -> {
            try {
                hook.run();
                p.prepared.complete(d.prepare(options.initialVersion(), snapshotVersions));
            } catch (Throwable t) {
                p.prepared.completeExceptionally(t);
            }
            synchronized (writeLock) {
                finishPending(p);
            }
        });
    }

    /** Installs (or, if the store moved on, discards) a snapshot whose file is written. Caller holds the writer lock. */
    private void finishPending(PendingSnapshot p) {
        if (p.finished) {
            return;
        }
        p.finished = true;
        if (pending != p) {
            // Abandoned by an import that replaced the data directory.
            p.prepared.thenAccept(p.dir::discard);
            return;
        }
        pending = null;
        DataDirectory.Prepared prepared;
        try {
            prepared = p.prepared.join();
        } catch (java.util.concurrent.CompletionException e) {
            p.dir.changelog().stopRecording();
            LOG.error("tree snapshot of versions {}..{} in {} failed; the changelog keeps growing until the next attempt",
                    p.first, p.last, p.dir.path(), e.getCause());
            return;
        }
        try {
            List<byte[]> since = p.dir.changelog().stopRecording();
            p.dir.install(prepared, since);
            LOG.info("wrote tree snapshot of versions {}..{} in {} ({} later records carried over)", p.first, p.last,
                    p.dir.path(), since.size());
        } catch (RuntimeException e) {
            LOG.error("installing tree snapshot of versions {}..{} in {} failed; the changelog keeps growing until the "
                    + "next attempt", p.first, p.last, p.dir.path(), e);
        }
    }

    private java.util.concurrent.Executor snapshotExecutor() {
        if (snapshotThread == null) {
            snapshotThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "keel-tree-snapshot");
                t.setDaemon(true);
                return t;
            });
        }
        return snapshotThread;
    }

    /** A tree snapshot being written in the background. */
    private static final class PendingSnapshot {
        final DataDirectory dir;
        final long first;
        final long last;
        final java.util.concurrent.CompletableFuture<DataDirectory.Prepared> prepared =
                new java.util.concurrent.CompletableFuture<>();
        /** Installed, discarded or failed: whichever of the writer thread and close got there first. */
        boolean finished;

        PendingSnapshot(DataDirectory dir, long first, long last) {
            this.dir = dir;
            this.first = first;
            this.last = last;
        }
    }

    @Override
    public StoreExport export(long version) {
        checkOpen();
        return new TreeExport(retained(versions, version), StoreExport.KIND_IAVL_NODE);
    }

    @Override
    public StoreExport exportLogical(long version) {
        checkOpen();
        return new TreeExport(retained(versions, version), StoreExport.KIND_KEY_VALUE);
    }

    @Override
    public CommitInfo importFrom(ImportSource source, ProgressListener progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        synchronized (writeLock) {
            checkOpen();
            long latest = versions.lastKey();
            if (latest != 0) {
                throw new StoreNotEmptyException(latest);
            }
            return install(rebuild(source, progress));
        }
    }

    @Override
    public CommitInfo replaceFrom(ImportSource source, ProgressListener progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        synchronized (writeLock) {
            checkOpen();
            return install(rebuild(source, progress));
        }
    }

    /** Reads and verifies every record before anything is written: a failure changes nothing. */
    private SavedVersion rebuild(ImportSource source, ProgressListener progress) {
        if (!StoreDirectory.BACKEND.equals(source.backend())) {
            throw new IncompatibleExportException("export of backend '" + source.backend()
                    + "' cannot be imported into backend '" + StoreDirectory.BACKEND + "'");
        }
        if (!StoreExport.KIND_IAVL_NODE.equals(source.recordKind())) {
            throw new IncompatibleExportException("export of record kind '" + source.recordKind()
                    + "'; backend '" + StoreDirectory.BACKEND + "' imports '" + StoreExport.KIND_IAVL_NODE + "'");
        }
        CommitInfo expected = source.expected();
        if (!Commitment.IAVL_SHA256.equals(expected.commitment().scheme())) {
            throw new IncompatibleExportException("export names a commitment of scheme '" + expected.commitment().scheme()
                    + "'; backend '" + StoreDirectory.BACKEND + "' uses '" + Commitment.IAVL_SHA256 + "'");
        }
        NodeImporter importer = new NodeImporter(expected.version());
        Iterator<ExportRecord> records = source.records();
        while (records.hasNext()) {
            importer.add(records.next());
            if (importer.count() % PROGRESS_EVERY == 0) {
                progress.onProgress(importer.count(), source.recordCount());
            }
        }
        progress.onProgress(importer.count(), source.recordCount());
        Node root = importer.finish();
        if (expected.version() == 0 && root != null) {
            throw new IncompatibleExportException("version 0 is the empty store but the export has "
                    + importer.count() + " records");
        }
        byte[] hash = root == null ? NodeHasher.EMPTY_ROOT.clone() : root.hash();
        Commitment actual = new Commitment(Commitment.IAVL_SHA256, hash);
        if (!actual.equals(expected.commitment())) {
            throw new CommitmentMismatchException(expected.version(), expected.commitment(), actual);
        }
        return new SavedVersion(expected.version(), root, hash, expected.metadata());
    }

    /** Writes the version into a fresh data directory and switches {@code CURRENT} to it. */
    private CommitInfo install(SavedVersion version) {
        Path fresh = directory.newDataDirectory();
        DataDirectory installed;
        try {
            installed = DataDirectory.initialize(fresh, options.sync(), options.initialVersion(), version);
        } catch (RuntimeException e) {
            try {
                DurableFiles.deleteTree(fresh);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            directory.switchTo(fresh);
        } catch (RuntimeException e) {
            installed.close();
            throw e;
        }
        DataDirectory old = data;
        if (pending != null) {
            // Writing into the directory being replaced: its result is discarded when it is done.
            pending = null;
        }
        data = installed;
        TreeMap<Long, SavedVersion> map = new TreeMap<>();
        map.put(version.version(), version);
        versions = Collections.unmodifiableNavigableMap(map);
        recordsSinceSnapshot = 0;
        old.close();
        directory.deleteAllExcept(fresh);
        LOG.info("installed imported version {} ({} keys) in {}", version.version(), version.leafCount(), fresh);
        return version.info();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            PendingSnapshot inFlight;
            synchronized (writeLock) {
                inFlight = pending;
            }
            if (inFlight != null) {
                // Its file is being written: let that finish (outside the lock the installer needs).
                inFlight.prepared.handle((prepared, failure) -> null).join();
            }
            // Taken so that a write in flight finishes its changelog frame before the file closes.
            synchronized (writeLock) {
                if (inFlight != null) {
                    finishPending(inFlight);
                }
                if (snapshotThread != null) {
                    snapshotThread.shutdown();
                }
                hasher.close();
                try {
                    if (recordsSinceSnapshot >= CLOSE_SNAPSHOT_RECORDS) {
                        // A clean close leaves a short changelog: the next open loads a snapshot
                        // instead of re-applying (and re-hashing) up to an interval of commits.
                        NavigableMap<Long, SavedVersion> map = versions;
                        try {
                            data.writeSnapshot(options.initialVersion(), new ArrayList<>(map.values()));
                            recordsSinceSnapshot = 0;
                        } catch (StorageException e) {
                            LOG.error("tree snapshot on close of {} failed; the next open replays the changelog",
                                    data.path(), e);
                        }
                    }
                } finally {
                    data.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TreeStore[" + (closed.get() ? "closed" : "open") + "]";
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("tree store is closed");
        }
    }

    /** A view of one retained version; it holds the root, so the version stays readable until dropped. */
    final class TreeView implements StoreView {
        private final SavedVersion version;
        private final AtomicBoolean viewClosed = new AtomicBoolean();

        TreeView(SavedVersion version) {
            this.version = version;
        }

        @Override
        public long version() {
            checkViewOpen();
            return version.version();
        }

        @Override
        public Commitment commitment() {
            checkViewOpen();
            return version.commitment();
        }

        @Override
        public CommitMetadata metadata() {
            checkViewOpen();
            return version.metadata();
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            Limits.checkKey(key);
            checkViewOpen();
            byte[] value = TreeReads.get(version.root(), key);
            return value == null ? Optional.empty() : Optional.of(value.clone());
        }

        @Override
        public KeyValueIterator scan(byte[] fromInclusive, byte[] toExclusive) {
            checkViewOpen();
            return new Scan(new TreeReads.Leaves(version.root(), fromInclusive, toExclusive), this);
        }

        /** The tree's own (immutable) key and value arrays, without copies, in key order (see {@link LeafWalk}). */
        @Override
        public void forEachPair(PairVisitor visitor) {
            Objects.requireNonNull(visitor, "visitor");
            checkViewOpen();
            Node root = version.root();
            if (root != null) {
                LeafWalk.visit(root, visitor);
            }
        }

        @Override
        public void close() {
            viewClosed.set(true);
        }

        void checkViewOpen() {
            if (viewClosed.get()) {
                throw new IllegalStateException("view of version " + version.version() + " is closed");
            }
            checkOpen();
        }

        /** The root for proofs; @throws IllegalStateException if the view or store is closed */
        Node root() {
            checkViewOpen();
            return version.root();
        }
    }

    /** An ordered scan of one view; single-threaded. */
    private static final class Scan implements KeyValueIterator {
        private final TreeReads.Leaves leaves;
        private final TreeView view;
        private boolean scanClosed;

        Scan(TreeReads.Leaves leaves, TreeView view) {
            this.leaves = leaves;
            this.view = view;
        }

        @Override
        public boolean hasNext() {
            checkScanOpen();
            return leaves.hasNext();
        }

        @Override
        public KeyValue next() {
            checkScanOpen();
            return leaves.nextPair();
        }

        @Override
        public void close() {
            scanClosed = true;
        }

        private void checkScanOpen() {
            if (scanClosed) {
                throw new IllegalStateException("iterator is closed");
            }
            view.checkViewOpen();
        }
    }

    /** The nodes (post-order) or the pairs (key order) of one pinned version. */
    private final class TreeExport implements StoreExport {
        private final SavedVersion version;
        private final String kind;
        private final TreeReads.PostOrder nodes;
        private final TreeReads.Leaves leaves;
        private boolean exportClosed;

        TreeExport(SavedVersion version, String kind) {
            this.version = version;
            this.kind = kind;
            boolean native_ = KIND_IAVL_NODE.equals(kind);
            this.nodes = native_ ? new TreeReads.PostOrder(version.root()) : null;
            this.leaves = native_ ? null : new TreeReads.Leaves(version.root(), null, null);
        }

        @Override
        public String backend() {
            return StoreDirectory.BACKEND;
        }

        @Override
        public String recordKind() {
            return kind;
        }

        @Override
        public CommitInfo info() {
            return version.info();
        }

        @Override
        public long recordCount() {
            long keys = version.leafCount();
            return nodes == null ? keys : (keys == 0 ? 0 : 2 * keys - 1);
        }

        @Override
        public boolean hasNext() {
            checkExportOpen();
            return nodes != null ? nodes.hasNext() : leaves.hasNext();
        }

        @Override
        public ExportRecord next() {
            checkExportOpen();
            if (nodes != null) {
                return nodes.nextRecord();
            }
            KeyValue kv = leaves.nextPair();
            return ExportRecord.keyValue(kv.key(), kv.value());
        }

        @Override
        public void close() {
            exportClosed = true;
        }

        private void checkExportOpen() {
            if (exportClosed) {
                throw new IllegalStateException("export of version " + version.version() + " is closed");
            }
            checkOpen();
        }
    }
}
