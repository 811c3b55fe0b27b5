package dev.keel.raft.wal;

import dev.keel.raft.crypto.SealCounter;
import dev.keel.storage.api.crypto.Sealer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    /** This log's id, bound into every sealed entry's associated data and carried by every new segment header. */
    final byte[] logId;
    /** Seals per key id: recovered, plus those done since (by appends on any thread). */
    final Map<Integer, Long> sealCounts = new ConcurrentHashMap<>();
    /** The sealer, also counting seals done for others (snapshot chunks); null when sealing is off. */
    final Sealer sealer;
    /**
     * The most an acknowledgement's waiter spins before it parks ({@link AckFuture}); 0 turns
     * spinning off.
     */
    final long ackSpinCapNanos;
    /**
     * How long a waiter spins now: about two recent forces (an operation that just missed a batch
     * waits for the rest of that force and all of its own), or 0 when that is over the cap, because
     * spinning would then end before most acknowledgements arrive. Set by the writer after each force.
     */
    volatile long ackSpinNanos;
    /** Told of batches, segments and failures; set before the writer thread starts. */
    WalListener listener = new WalListener() { };

    WalState(EntryIndex index, HardState hardState, SnapshotToken snapshotToken, byte[] logId, Sealer sealer,
             long ackSpinCapNanos) {
        this.index = index;
        this.ackSpinCapNanos = ackSpinCapNanos;
        this.ackSpinNanos = ackSpinCapNanos;
        this.hardState = hardState;
        this.snapshotToken = snapshotToken;
        this.logId = logId.clone();
        this.sealer = sealer;
    }

    /** @return the future of a new operation, with the current spin budget */
    AckFuture newFuture() {
        return new AckFuture(ackSpinNanos);
    }

    /** @return the seal counts a new segment header carries: the larger of the log's and the sealer's per key */
    Map<Integer, Long> headerSealCounts() {
        Map<Integer, Long> out = new TreeMap<>(sealCounts);
        if (sealer instanceof SealCounter counter) {
            counter.sealCounts().forEach((k, v) -> out.merge(k, v, Math::max));
        }
        return out;
    }
}
