package dev.keel.storage.testkit;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.CommitmentMismatchException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreNotEmptyException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionedStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link VersionedStore} that is the {@link ReferenceModel} plus a commitment, so that the
 * conformance suite can be run against the model itself: a suite that fails here pins something
 * the model (and therefore the contract as the testkit reads it) does not promise.
 *
 * <p>Content lives in memory; an operation journal in the store's directory (appended and, with
 * {@link StoreOptions#sync}, forced before the in-memory state changes) lets it be closed and
 * reopened like a real backend. Backend name {@value #BACKEND}; commitment scheme
 * {@value #COMMITMENT_SCHEME}: SHA-256 over the key-ordered stream
 * {@code u32be(len key) ‖ key ‖ u32be(len value) ‖ value} of the version's pairs (a function of the
 * content only); native and logical exports are both {@value StoreExport#KIND_KEY_VALUE} records.
 *
 * <p>Thread-safe: writes and view creation are serialised on one lock; views read immutable
 * snapshots without it. Every method of a closed store, and of a view, iterator or export still
 * open when it closed, throws {@link IllegalStateException}.
 */
public final class ModelStore implements VersionedStore {
    /** The backend name. */
    public static final String BACKEND = "model";
    /** The commitment scheme id. */
    public static final String COMMITMENT_SCHEME = "model-sha256";

    private static final int PROGRESS_EVERY = 1024;

    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ModelJournal journal;
    private final ReferenceModel model;
    /** Commitments of retained versions, computed on first use; guarded by {@link #lock}. */
    private final Map<Long, Commitment> commitments = new HashMap<>();

    private ModelStore(ModelJournal journal, ReferenceModel model) {
        this.journal = journal;
        this.model = model;
    }

    /**
     * Opens the store in {@code directory}, creating it when absent, replaying its journal otherwise.
     *
     * @param directory the store's directory
     * @param options how to open it
     * @return the open store
     * @throws dev.keel.storage.api.StoreConfigurationException if the directory was created with
     *     another initial version
     * @throws dev.keel.storage.api.CorruptionException if the journal fails a check
     * @throws dev.keel.storage.api.StorageException on an I/O failure
     */
    public static ModelStore open(Path directory, StoreOptions options) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        ModelJournal.Recovered recovered = ModelJournal.open(directory, options);
        return new ModelStore(recovered.journal(), recovered.model());
    }

    /**
     * The {@value #COMMITMENT_SCHEME} commitment of a content.
     *
     * @param content pairs in {@link KeyValue#KEY_ORDER}
     * @return the commitment
     */
    public static Commitment commitmentOf(SortedMap<byte[], byte[]> content) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
        ByteBuffer length = ByteBuffer.allocate(4);
        for (Map.Entry<byte[], byte[]> e : content.entrySet()) {
            sha256.update(length.clear().putInt(e.getKey().length).array());
            sha256.update(e.getKey());
            sha256.update(length.clear().putInt(e.getValue().length).array());
            sha256.update(e.getValue());
        }
        return new Commitment(COMMITMENT_SCHEME, sha256.digest());
    }

    @Override
    public String backend() {
        checkOpen();
        return BACKEND;
    }

    @Override
    public String commitmentScheme() {
        checkOpen();
        return COMMITMENT_SCHEME;
    }

    @Override
    public long initialVersion() {
        checkOpen();
        return model.initialVersion();
    }

    @Override
    public long latestVersion() {
        synchronized (lock) {
            checkOpen();
            return model.latestVersion();
        }
    }

    @Override
    public long oldestRetainedVersion() {
        synchronized (lock) {
            checkOpen();
            return model.oldestRetainedVersion();
        }
    }

    @Override
    public CommitInfo latest() {
        synchronized (lock) {
            checkOpen();
            ReferenceModel.Snapshot s = model.latest();
            return new CommitInfo(s.version(), commitmentOfVersion(s), s.metadata());
        }
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Limits.checkKey(key);
        synchronized (lock) {
            checkOpen();
            return model.latest().get(key);
        }
    }

    @Override
    public StoreView view(long version) {
        synchronized (lock) {
            checkOpen();
            ReferenceModel.Snapshot s = model.snapshot(version);
            return new View(s, commitmentOfVersion(s));
        }
    }

    @Override
    public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(metadata, "metadata");
        synchronized (lock) {
            checkOpen();
            long version = model.nextVersion();
            journal.appendCommit(version, changes, metadata);
            model.commit(changes, metadata);
            forgetReleasedCommitments();
            ReferenceModel.Snapshot s = model.latest();
            return new CommitInfo(version, commitmentOfVersion(s), metadata);
        }
    }

    @Override
    public void rollbackTo(long version) {
        synchronized (lock) {
            checkOpen();
            model.snapshot(version);
            journal.appendRollback(version);
            model.rollbackTo(version);
            forgetReleasedCommitments();
        }
    }

    @Override
    public void pruneBefore(long version) {
        synchronized (lock) {
            checkOpen();
            model.snapshot(version);
            journal.appendPrune(version);
            model.pruneBefore(version);
            forgetReleasedCommitments();
        }
    }

    @Override
    public StoreExport export(long version) {
        return exportLogical(version);
    }

    @Override
    public StoreExport exportLogical(long version) {
        synchronized (lock) {
            checkOpen();
            ReferenceModel.Snapshot s = model.snapshot(version);
            return new Export(s, commitmentOfVersion(s));
        }
    }

    @Override
    public CommitInfo importFrom(ImportSource source, ProgressListener progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        synchronized (lock) {
            checkOpen();
            if (!model.isEmpty()) {
                throw new StoreNotEmptyException(model.latestVersion());
            }
            return install(source, progress);
        }
    }

    @Override
    public CommitInfo replaceFrom(ImportSource source, ProgressListener progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(progress, "progress");
        synchronized (lock) {
            checkOpen();
            return install(source, progress);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // Taken so that a write in flight finishes its journal frame before the file closes.
            synchronized (lock) {
                journal.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ModelStore[" + (closed.get() ? "closed" : "open") + "]";
    }

    /** Reads and verifies every record before anything is written: a failure leaves the store as it was. */
    private CommitInfo install(ImportSource source, ProgressListener progress) {
        if (!BACKEND.equals(source.backend())) {
            throw new IncompatibleExportException("export of backend '" + source.backend()
                    + "' cannot be imported into backend '" + BACKEND + "'");
        }
        if (!StoreExport.KIND_KEY_VALUE.equals(source.recordKind())) {
            throw new IncompatibleExportException("export of record kind '" + source.recordKind()
                    + "'; backend '" + BACKEND + "' imports '" + StoreExport.KIND_KEY_VALUE + "'");
        }
        CommitInfo expected = source.expected();
        if (!COMMITMENT_SCHEME.equals(expected.commitment().scheme())) {
            throw new IncompatibleExportException("export names a commitment of scheme '"
                    + expected.commitment().scheme() + "'; backend '" + BACKEND + "' uses '" + COMMITMENT_SCHEME + "'");
        }
        TreeMap<byte[], byte[]> content = new TreeMap<>(KeyValue.KEY_ORDER);
        byte[] previous = null;
        long done = 0;
        Iterator<ExportRecord> records = source.records();
        while (records.hasNext()) {
            ExportRecord r = records.next();
            byte[] key = r.key();
            byte[] value = r.value();
            if (value == null || r.version() != 0 || r.height() != 0) {
                throw new IncompatibleExportException("record " + done + " is not a key-value record: " + r);
            }
            try {
                Limits.checkKey(key);
                Limits.checkValue(value);
            } catch (IllegalArgumentException e) {
                throw new IncompatibleExportException("record " + done + " is malformed: " + e.getMessage());
            }
            if (previous != null && KeyValue.KEY_ORDER.compare(previous, key) >= 0) {
                throw new IncompatibleExportException("record " + done + " is out of key order");
            }
            content.put(key, value);
            previous = key;
            done++;
            if (done % PROGRESS_EVERY == 0) {
                progress.onProgress(done, source.recordCount());
            }
        }
        progress.onProgress(done, source.recordCount());
        if (expected.version() == 0 && !content.isEmpty()) {
            throw new IncompatibleExportException("version 0 is the empty store but the export has " + done + " records");
        }
        Commitment actual = commitmentOf(content);
        if (!actual.equals(expected.commitment())) {
            throw new CommitmentMismatchException(expected.version(), expected.commitment(), actual);
        }
        journal.appendInstall(expected.version(), content, expected.metadata());
        model.install(expected.version(), content, expected.metadata());
        commitments.clear();
        return new CommitInfo(expected.version(), actual, expected.metadata());
    }

    private Commitment commitmentOfVersion(ReferenceModel.Snapshot s) {
        return commitments.computeIfAbsent(s.version(), v -> commitmentOf(s.content()));
    }

    /** Version numbers are reused after a rollback, so cached commitments must follow the window. */
    private void forgetReleasedCommitments() {
        commitments.keySet().removeIf(v -> !model.isRetained(v));
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("model store is closed");
        }
    }

    /** A view of one immutable snapshot. */
    private final class View implements StoreView {
        private final ReferenceModel.Snapshot snapshot;
        private final Commitment commitment;
        private final AtomicBoolean viewClosed = new AtomicBoolean();

        View(ReferenceModel.Snapshot snapshot, Commitment commitment) {
            this.snapshot = snapshot;
            this.commitment = commitment;
        }

        @Override
        public long version() {
            checkViewOpen();
            return snapshot.version();
        }

        @Override
        public Commitment commitment() {
            checkViewOpen();
            return commitment;
        }

        @Override
        public CommitMetadata metadata() {
            checkViewOpen();
            return snapshot.metadata();
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            Limits.checkKey(key);
            checkViewOpen();
            return snapshot.get(key);
        }

        @Override
        public KeyValueIterator scan(byte[] fromInclusive, byte[] toExclusive) {
            checkViewOpen();
            return new Scan(snapshot.scan(fromInclusive, toExclusive), this);
        }

        @Override
        public void close() {
            viewClosed.set(true);
        }

        void checkViewOpen() {
            if (viewClosed.get()) {
                throw new IllegalStateException("view of version " + snapshot.version() + " is closed");
            }
            checkOpen();
        }
    }

    /** An iterator over a scan's pairs, usable while its view and the store are open. */
    private static final class Scan implements KeyValueIterator {
        private final Iterator<KeyValue> pairs;
        private final View view;
        private boolean scanClosed;

        Scan(List<KeyValue> pairs, View view) {
            this.pairs = pairs.iterator();
            this.view = view;
        }

        @Override
        public boolean hasNext() {
            checkScanOpen();
            return pairs.hasNext();
        }

        @Override
        public KeyValue next() {
            checkScanOpen();
            if (!pairs.hasNext()) {
                throw new NoSuchElementException();
            }
            return pairs.next();
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

    /** Key-value records of one immutable snapshot. */
    private final class Export implements StoreExport {
        private final ReferenceModel.Snapshot snapshot;
        private final CommitInfo info;
        private final Iterator<KeyValue> pairs;
        private boolean exportClosed;

        Export(ReferenceModel.Snapshot snapshot, Commitment commitment) {
            this.snapshot = snapshot;
            this.info = new CommitInfo(snapshot.version(), commitment, snapshot.metadata());
            this.pairs = snapshot.entries().iterator();
        }

        @Override
        public String backend() {
            return BACKEND;
        }

        @Override
        public String recordKind() {
            return KIND_KEY_VALUE;
        }

        @Override
        public CommitInfo info() {
            return info;
        }

        @Override
        public long recordCount() {
            return snapshot.size();
        }

        @Override
        public boolean hasNext() {
            checkExportOpen();
            return pairs.hasNext();
        }

        @Override
        public ExportRecord next() {
            checkExportOpen();
            if (!pairs.hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue kv = pairs.next();
            return ExportRecord.keyValue(kv.key(), kv.value());
        }

        @Override
        public void close() {
            exportClosed = true;
        }

        private void checkExportOpen() {
            if (exportClosed) {
                throw new IllegalStateException("export of version " + snapshot.version() + " is closed");
            }
            checkOpen();
        }
    }
}
