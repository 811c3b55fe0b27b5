package dev.keel.raft.engine;

import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.consensus.VolatileEntryClassifier;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link StoreStateMachine} with every capability, reporting to a {@link PowerCut} the events a
 * power cut can land on (store commits, snapshot records, restored records, the gate's question)
 * and recording every entry it applies, so a cycle knows the history a compacted log no longer
 * holds. Called by the engine thread only, like the state machine it wraps.
 */
final class ObservedStateMachine implements StateMachine, AppliedIndexReader, SnapshotHeaderApplier,
        VolatileEntryClassifier {
    private final StoreStateMachine delegate;
    private final PowerCut cut;
    private final Map<Long, LogEntry> history;
    private final List<String> conflicts;
    private volatile boolean recording = true;
    /** The store's position while a restore replaces it: until the switch, the old state is what survives. */
    private volatile long[] beforeRestore;

    /**
     * @param delegate the state machine (owned: closed by {@link #close()})
     * @param cut told of events; null for a run without a cut
     * @param history every applied entry by index, shared by the runs of one cycle
     * @param conflicts where an entry applied twice at one index with different contents is reported
     */
    ObservedStateMachine(StoreStateMachine delegate, PowerCut cut, Map<Long, LogEntry> history, List<String> conflicts) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.cut = cut;
        this.history = history;
        this.conflicts = conflicts;
        if (cut != null) {
            cut.observe(this);
        }
    }

    StoreStateMachine delegate() {
        return delegate;
    }

    /** Stops recording applied entries (for proposals made after the checks). */
    void stopRecording() {
        recording = false;
    }

    /** @return the store's latest and oldest retained version (the old store's while a restore runs) */
    long[] storePosition() {
        long[] frozen = beforeRestore;
        if (frozen != null) {
            return frozen.clone();
        }
        VersionedStore store = delegate.store();
        return new long[] {store.latestVersion(), store.oldestRetainedVersion()};
    }

    @Override
    public boolean isEmpty() {
        return delegate.isEmpty();
    }

    @Override
    public byte[] apply(LogEntry entry) {
        requirePower("apply entry " + entry.index());
        if (cut != null && !delegate.isVolatile(entry)) {
            cut.beforeCommit(entry.index());
        }
        byte[] result = delegate.apply(entry);
        if (recording) {
            LogEntry earlier = history.putIfAbsent(entry.index(), entry);
            if (earlier != null && !earlier.equals(entry)) {
                conflicts.add("index " + entry.index() + " was applied as " + earlier + " and later as " + entry);
            }
        }
        return result;
    }

    @Override
    public StoreExport exportSnapshot() {
        StoreExport export = delegate.exportSnapshot();
        return cut == null ? export : new ObservedExport(export);
    }

    @Override
    public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
        if (cut == null) {
            return delegate.installSnapshot(source, progress);
        }
        requirePower("restore");
        beforeRestore = storePosition();
        CommitInfo installed;
        try {
            Iterator<ExportRecord> records = source.records();
            Iterator<ExportRecord> observed = new Iterator<>() {
                private long n;

                @Override
                public boolean hasNext() {
                    return records.hasNext();
                }

                @Override
                public ExportRecord next() {
                    if (cut.restoreRecord(++n)) {
                        throw new PowerCut.PowerCutException("power cut while importing record " + n + " of a restore");
                    }
                    return records.next();
                }
            };
            installed = delegate.installSnapshot(new ImportSource(source.backend(), source.recordKind(), source.expected(),
                    source.recordCount(), observed), progress);
        } finally {
            beforeRestore = null;
        }
        cut.restored();
        return installed;
    }

    private void requirePower(String what) {
        if (cut != null && cut.powerOff()) {
            throw new PowerCut.PowerCutException("the power is off: no " + what + " after the cut");
        }
    }

    @Override
    public Optional<CommitMetadata> appliedMetadata() {
        if (cut != null) {
            cut.gateAsked();
        }
        return delegate.appliedMetadata();
    }

    @Override
    public void applySnapshotHeader(CommitMetadata header) {
        delegate.applySnapshotHeader(header);
    }

    @Override
    public boolean isVolatile(LogEntry entry) {
        return delegate.isVolatile(entry);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Reports each record the snapshot writer takes, and the end of the body. */
    private final class ObservedExport implements StoreExport {
        private final StoreExport export;
        private long records;
        private boolean drained;

        ObservedExport(StoreExport export) {
            this.export = export;
        }

        @Override
        public String backend() {
            return export.backend();
        }

        @Override
        public String recordKind() {
            return export.recordKind();
        }

        @Override
        public CommitInfo info() {
            return export.info();
        }

        @Override
        public long recordCount() {
            return export.recordCount();
        }

        @Override
        public boolean hasNext() {
            boolean more = export.hasNext();
            if (!more && !drained) {
                drained = true;
                cut.exportDrained(records);
            }
            return more;
        }

        @Override
        public ExportRecord next() {
            cut.exportRecord(++records);
            return export.next();
        }

        @Override
        public void close() {
            cut.exportClosed();
            export.close();
        }
    }
}
