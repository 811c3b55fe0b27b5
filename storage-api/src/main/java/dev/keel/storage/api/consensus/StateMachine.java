package dev.keel.storage.api.consensus;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;

/**
 * What the engine drives: applies committed entries, exports its state for a snapshot, installs a
 * snapshot.
 *
 * <p>Optional capabilities are separate interfaces found by {@code instanceof}
 * ({@link AppliedIndexReader}, {@link SnapshotHeaderApplier}, {@link VolatileEntryClassifier},
 * {@link dev.keel.storage.api.coldstart.ColdStartObserver}); a state machine that lacks them still
 * works, with the conservative behaviour documented on each.
 *
 * <p>Threads: the engine calls {@link #apply}, {@link #exportSnapshot} and
 * {@link #installSnapshot} from its single apply thread, never concurrently; {@link #isEmpty} is
 * called during open before applying starts.
 */
public interface StateMachine extends AutoCloseable {
    /**
     * @return true when the state machine holds no state at all (nothing was ever applied or
     *     installed); the cold-start gate only replays a log from its start into an empty one
     */
    boolean isEmpty();

    /**
     * Applies one committed entry, in index order. The entry's payload is cleartext. An entry is
     * applied once, except volatile-only entries (see {@link VolatileEntryClassifier}), which may
     * be re-applied after a restart for their in-memory effect.
     *
     * @param entry the committed entry
     * @return the result delivered to the proposer (may be empty, never null)
     * @throws dev.keel.storage.api.KeelException to stop the apply loop (the engine then fails)
     */
    byte[] apply(LogEntry entry);

    /**
     * Exports the latest applied state for a snapshot. The snapshot's index and term are the
     * {@code appliedIndex}/{@code appliedTerm} of the export's {@link StoreExport#info()} metadata.
     *
     * @return the export; the engine closes it
     */
    StoreExport exportSnapshot();

    /**
     * Replaces the whole state by a snapshot's records, atomically; the snapshot's metadata (with
     * its applied index) is recorded in the same atomic step, so the next restart can skip.
     *
     * @param source the snapshot's records and the version they rebuild
     * @param progress receives progress
     * @return the installed version
     */
    CommitInfo installSnapshot(ImportSource source, ProgressListener progress);

    /** Releases the state machine's resources; idempotent. */
    @Override
    void close();
}
