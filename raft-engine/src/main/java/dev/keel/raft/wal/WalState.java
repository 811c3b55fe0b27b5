package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalFailedException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the writer thread publishes and readers see: only durable state. The writer changes the
 * index and the segment map under the write lock, after the {@code force} that covers the change;
 * readers hold the read lock while they use a location, so compaction cannot close a segment
 * under them.
 */
final class WalState {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    final EntryIndex index;
    volatile HardState hardState;
    volatile SnapshotToken snapshotToken;
    /** Set once, by the writer, when a write or force failed; never cleared. */
    volatile WalFailedException failure;

    WalState(EntryIndex index, HardState hardState, SnapshotToken snapshotToken) {
        this.index = index;
        this.hardState = hardState;
        this.snapshotToken = snapshotToken;
    }
}
