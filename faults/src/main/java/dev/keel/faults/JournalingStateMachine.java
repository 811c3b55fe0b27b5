package dev.keel.faults;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.consensus.VolatileEntryClassifier;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link StoreStateMachine} that writes every entry to the applied-entry journal just before it
 * applies it, and is otherwise the store state machine itself: it forwards every optional
 * capability the engine looks for ({@link AppliedIndexReader}, {@link SnapshotHeaderApplier},
 * {@link VolatileEntryClassifier}), so the engine behaves as with the unwrapped one.
 *
 * <p>Why the journal: proposals of several clients are merged into entries, and snapshots compact
 * the log, so after a crash neither the log nor the store says which proposals formed which
 * version. The journal does, for every entry any process ever applied: written before the store
 * commits, it holds each version the store can have; an entry the crash cut short before its
 * commit is applied (and journaled) again on replay, with the same content.
 *
 * <p>Threads: as {@link StoreStateMachine}. Closing closes the store, not the journal.
 */
public final class JournalingStateMachine implements StateMachine, AppliedIndexReader, SnapshotHeaderApplier,
        VolatileEntryClassifier {
    private final StoreStateMachine inner;
    private final LineFile journal;

    /**
     * @param inner the state machine that applies (owned: closed with this one)
     * @param journal where applied entries are recorded (not owned)
     */
    public JournalingStateMachine(StoreStateMachine inner, LineFile journal) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** @return the store state machine this one forwards to */
    public StoreStateMachine inner() {
        return inner;
    }

    @Override
    public boolean isEmpty() {
        return inner.isEmpty();
    }

    @Override
    public byte[] apply(LogEntry entry) {
        Command command = CommandCodec.decode(entry.payload());
        List<ProposalId> ids = command instanceof Command.Block block ? CrashWorkload.proposalsIn(block) : List.of();
        journal.append(new AppliedEntry(entry.index(), entry.term(), ids).toLine());
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
    public Optional<CommitMetadata> appliedMetadata() {
        return inner.appliedMetadata();
    }

    @Override
    public void applySnapshotHeader(CommitMetadata header) {
        inner.applySnapshotHeader(header);
    }

    @Override
    public boolean isVolatile(LogEntry entry) {
        return inner.isVolatile(entry);
    }

    @Override
    public void close() {
        inner.close();
    }
}
