package dev.keel.storage.api.consensus;

import dev.keel.storage.api.CommitMetadata;

/**
 * Optional capability of a {@link StateMachine}: receives a verified snapshot header when restart
 * skips restoring the snapshot body (SKIPPED), so header state the body restore would have set is
 * not lost.
 *
 * <p>The merge only moves state forward: hybrid-clock ceiling = max(header, own); cutover index,
 * active key and membership stay the state machine's own (its version is at least as new as the
 * snapshot's), and take the header's only where it has none.
 *
 * <p>Called once, from the engine's open thread, only after the header passed verification; not
 * called when verification fails.
 */
public interface SnapshotHeaderApplier {
    /**
     * @param header the {@link CommitMetadata} recorded in the verified snapshot header
     */
    void applySnapshotHeader(CommitMetadata header);
}
