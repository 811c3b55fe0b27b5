package dev.keel.storage.api.consensus;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable log a consensus engine writes and reads: the contract etcd-raft's {@code Storage}
 * and Ratis' log give their engines.
 *
 * <h2>Indexes</h2>
 * The log holds entries {@code [firstIndex(), lastIndex()]} with consecutive indexes; an empty log
 * has {@code lastIndex() == firstIndex() - 1}. After {@link #compact} the prefix up to a snapshot
 * is gone, but the term of the snapshot index stays known through {@link #snapshotToken()}.
 *
 * <h2>Durability</h2>
 * An append is acknowledged (its future completes) only after the bytes are forced to stable
 * storage. After a failed write or force the log is failed: every pending and later operation
 * fails with {@link WalFailedException}; nothing is acknowledged that is not durable.
 *
 * <h2>Threads</h2>
 * Thread-safe; appends from many threads are group-committed in arrival order.
 */
public interface LogStorage extends AutoCloseable {
    /** @return the index of the first entry held (lastIndex + 1 when empty) */
    long firstIndex();

    /** @return the index of the last entry held, or of the snapshot when the log holds none after it */
    long lastIndex();

    /**
     * @param index a log index; 0 answers 0 while nothing was compacted (the Raft convention)
     * @return its term
     * @throws LogCompactedException if the index is before the first one and not the snapshot's
     * @throws LogUnavailableException if the index is after the last one
     */
    long term(long index);

    /**
     * Reads entries {@code [lo, hi)}, stopping early once {@code maxBytes} of payload is reached
     * (at least one entry is returned when {@code lo < hi}).
     *
     * @param lo first index, at least {@link #firstIndex()}
     * @param hi end index (exclusive), at most {@link #lastIndex()} + 1
     * @param maxBytes payload budget
     * @return the entries, consecutive from {@code lo}
     * @throws LogCompactedException if {@code lo} is before the first index
     * @throws LogUnavailableException if {@code hi} is beyond the last index + 1
     * @throws WalCorruptionException if a record fails its checks
     */
    List<LogEntry> entries(long lo, long hi, long maxBytes);

    /**
     * Appends consecutive entries. If the first one's index is at or below the last index
     * appended so far (accepted, durable or not), the conflicting suffix from that index is
     * replaced: the truncation becomes durable no later than the new entries, so no acknowledged
     * entry at those indexes is ever the old one.
     *
     * @param entries consecutive entries; the first index is at most {@code lastIndex() + 1}
     * @return completes when every entry is durable; completes exceptionally with
     *     {@link WalFailedException} if it never will be
     * @throws IllegalArgumentException if the entries are not consecutive or leave a gap
     */
    CompletableFuture<Void> append(List<LogEntry> entries);

    /**
     * Durably removes every entry from {@code fromIndex} on.
     *
     * @param fromIndex the first index to remove, greater than the snapshot index
     */
    void truncateSuffix(long fromIndex);

    /**
     * Releases every entry up to {@code upToIndex} that a snapshot covers, by whole segments: entries
     * may remain below it, never above.
     *
     * @param upToIndex at most the index of the recorded snapshot token
     * @throws IllegalArgumentException if the index is beyond the recorded snapshot
     */
    void compact(long upToIndex);

    /** @return the latest recorded hard state, {@link HardState#EMPTY} if none */
    HardState hardState();

    /**
     * Records the hard state durably before returning.
     *
     * @param state the new hard state
     */
    void setHardState(HardState state);

    /** @return the latest recorded snapshot token, if any */
    Optional<SnapshotToken> snapshotToken();

    /**
     * Records a snapshot token durably before returning. As in etcd and Ratis, a token beyond the
     * last entry replaces the log (it then starts after the snapshot); a token inside the log keeps
     * the entries, which {@link #compact} may release later.
     *
     * @param token the token of a snapshot file already durable under its final name
     */
    void setSnapshotToken(SnapshotToken token);

    /** Flushes and closes; pending appends that did not become durable fail. Idempotent. */
    @Override
    void close();
}
