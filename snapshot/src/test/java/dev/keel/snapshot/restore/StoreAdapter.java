package dev.keel.snapshot.restore;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A minimal state machine over a {@link VersionedStore} for restore-or-skip tests: an entry's
 * payload {@code key=value} is one put committed with the entry's position; every optional hook
 * is implemented, and what the hooks receive is recorded.
 */
final class StoreAdapter implements StateMachine, AppliedIndexReader, SnapshotHeaderApplier, ColdStartObserver {
    final VersionedStore store;
    final List<ColdStartReport> reports = new ArrayList<>();
    final List<ScrubReport> scrubs = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    /** The header state after a SKIPPED open's merge (in memory, as an engine would keep it). */
    CommitMetadata headerState;
    boolean failRead;
    /** When positive: the import dies (as a killed process would stop) after this many records. */
    long crashAfterRecords;

    StoreAdapter(VersionedStore store) {
        this.store = store;
    }

    @Override
    public boolean isEmpty() {
        return store.isEmpty();
    }

    @Override
    public byte[] apply(LogEntry entry) {
        String[] kv = new String(entry.payload(), StandardCharsets.UTF_8).split("=", 2);
        CommitMetadata meta = store.latest().metadata().withPosition(entry.index(), entry.term())
                .withHlcCeiling(entry.index() * 1000);
        store.commit(ChangeSet.builder().put(kv[0].getBytes(StandardCharsets.UTF_8), kv[1].getBytes(StandardCharsets.UTF_8))
                .build(), meta);
        return new byte[0];
    }

    @Override
    public StoreExport exportSnapshot() {
        return store.export(store.latestVersion());
    }

    @Override
    public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
        events.add("install");
        if (crashAfterRecords > 0) {
            java.util.Iterator<dev.keel.storage.api.ExportRecord> records = source.records();
            long limit = crashAfterRecords;
            java.util.Iterator<dev.keel.storage.api.ExportRecord> dying = new java.util.Iterator<>() {
                private long served;

                @Override
                public boolean hasNext() {
                    return records.hasNext();
                }

                @Override
                public dev.keel.storage.api.ExportRecord next() {
                    if (++served > limit) {
                        throw new SimulatedCrash();
                    }
                    return records.next();
                }
            };
            source = new ImportSource(source.backend(), source.recordKind(), source.expected(), source.recordCount(), dying);
        }
        return store.replaceFrom(source, progress);
    }

    /** Stands for the process dying in the middle of a restore. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash in the middle of a restore");
        }
    }

    @Override
    public Optional<CommitMetadata> appliedMetadata() {
        if (failRead) {
            throw new StorageException("metadata unreadable (test)");
        }
        return store.isEmpty() ? Optional.empty() : Optional.of(store.latest().metadata());
    }

    @Override
    public void applySnapshotHeader(CommitMetadata header) {
        events.add("header");
        CommitMetadata own = store.latest().metadata();
        headerState = new CommitMetadata(own.appliedIndex(), own.appliedTerm(), Math.max(own.hlcCeiling(), header.hlcCeiling()),
                own.cutoverIndex() != CommitMetadata.NO_CUTOVER ? own.cutoverIndex() : header.cutoverIndex(),
                own.activeKeyId() != CommitMetadata.NO_KEY ? own.activeKeyId() : header.activeKeyId(),
                own.membership().isEmpty() ? header.membership() : own.membership(), own.application());
    }

    @Override
    public void onOpen(ColdStartReport report) {
        events.add("open");
        reports.add(report);
    }

    @Override
    public void onScrub(ScrubReport report) {
        events.add("scrub");
        scrubs.add(report);
    }

    @Override
    public void close() {
        store.close();
    }
}
