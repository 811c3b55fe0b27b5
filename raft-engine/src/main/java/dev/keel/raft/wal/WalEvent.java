package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One slot of the group-commit ring: an operation for the writer thread and the future it
 * completes once the operation is durable. Slots are reused; the per-entry location arrays grow
 * once and stay, so a steady stream of appends allocates nothing here.
 *
 * <p>Written by one producer (under the append lock), then read and cleared by the writer thread;
 * the ring's sequence barrier publishes the writes.
 */
final class WalEvent {
    enum Kind { APPEND, TRUNCATE, HARD_STATE, SNAPSHOT_TOKEN, COMPACT }

    Kind kind;
    List<LogEntry> entries;
    /** The key the entries' payloads are sealed with (they are boxes already), 0 for cleartext. */
    int sealKeyId;
    long index;
    HardState hardState;
    SnapshotToken token;
    CompletableFuture<Void> future;
    /** Whether the writer wrote a record for this operation (a no-op truncation writes none). */
    boolean wrote;

    long[] locations = new long[16];
    int[] prevCrcs = new int[16];
    int[] bodyLengths = new int[16];

    void ensureSlots(int n) {
        if (locations.length < n) {
            int size = Math.max(n, locations.length * 2);
            locations = new long[size];
            prevCrcs = new int[size];
            bodyLengths = new int[size];
        }
    }

    /** Drops references so a slot does not keep payloads alive until it is reused. */
    void clear() {
        kind = null;
        entries = null;
        sealKeyId = 0;
        hardState = null;
        token = null;
        future = null;
        wrote = false;
    }
}
