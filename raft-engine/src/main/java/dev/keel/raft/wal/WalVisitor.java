package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Receives what {@link WalScanner#scan} reads, record by record, in file order, after each record
 * passed its checks. A scan that meets a corrupt record has called the visitor for every record
 * before it and then throws. Every method has an empty default; implement what you print.
 */
public interface WalVisitor {
    /**
     * A segment's header.
     *
     * @param file the segment file
     * @param sequence its sequence number
     * @param firstIndex the index its first entry has (or would have)
     * @param chainSeed the CRC the segment's record chain starts from
     * @param hardState the latest hard state when the segment was begun
     * @param snapshotToken the latest snapshot token when the segment was begun
     * @param sealCounts seals per key id when the segment was begun
     */
    default void segment(Path file, long sequence, long firstIndex, int chainSeed, HardState hardState,
                         Optional<SnapshotToken> snapshotToken, Map<Integer, Long> sealCounts) {
    }

    /**
     * @param file the segment file
     * @param offset the record's byte offset
     * @param index the entry's index
     * @param term its term
     * @param type its type
     * @param payloadBytes the size of its payload
     */
    default void entry(Path file, long offset, long index, long term, LogEntry.Type type, int payloadBytes) {
    }

    /**
     * An entry with the key it is sealed with; by default forwards to the method without the key.
     *
     * @param file the segment file
     * @param offset the record's byte offset
     * @param index the entry's index
     * @param term its term
     * @param type its type
     * @param payloadBytes the size of its payload as stored (a sealed box's size when sealed)
     * @param keyId the key the payload is sealed with, 0 for a cleartext entry
     */
    default void entry(Path file, long offset, long index, long term, LogEntry.Type type, int payloadBytes, int keyId) {
        entry(file, offset, index, term, type, payloadBytes);
    }

    /**
     * @param file the segment file
     * @param offset the record's byte offset
     * @param hardState the recorded hard state
     */
    default void hardState(Path file, long offset, HardState hardState) {
    }

    /**
     * @param file the segment file
     * @param offset the record's byte offset
     * @param token the recorded snapshot token
     */
    default void snapshotToken(Path file, long offset, SnapshotToken token) {
    }

    /**
     * @param file the segment file
     * @param offset the record's byte offset
     * @param fromIndex the first index the truncation removed
     */
    default void truncation(Path file, long offset, long fromIndex) {
    }

    /**
     * The last segment ends in a torn write (what an open for writing would cut).
     *
     * @param file the segment file
     * @param offset where the torn record starts
     * @param bytes how many written bytes it spans
     */
    default void tornTail(Path file, long offset, long bytes) {
    }
}
