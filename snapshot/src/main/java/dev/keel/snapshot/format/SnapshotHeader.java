package dev.keel.snapshot.format;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import java.util.Objects;

/**
 * The decoded header of a snapshot file: what the snapshot names (index and term), what its body
 * rebuilds (backend, record kind, store version, commitment and the version's metadata) and how
 * the body is framed (chunk size, sealing, record count). Immutable and thread-safe.
 *
 * @param index the snapshot index, at least 1; a valid snapshot has {@code metadata.appliedIndex()}
 *     here (the writer guarantees it, {@link SnapshotVerifier} checks it; this record does not, so
 *     the verifier can report a file that disagrees)
 * @param term the snapshot term, at least 1; likewise {@code metadata.appliedTerm()}
 * @param backend the backend that exported the records
 * @param recordKind the record kind of the body
 * @param storeVersion the exported store version
 * @param commitment the commitment of that version
 * @param metadata the {@link CommitMetadata} committed with that version
 * @param flags {@link #FLAG_SEALED} or 0; unknown bits are rejected when parsing
 * @param recordCount the number of records in the body
 * @param chunkSize the plaintext size of every body chunk but the last
 * @param sealKeyId the key the chunks are sealed with, {@link CommitMetadata#NO_KEY} when not sealed
 * @param sealOverhead the bytes sealing adds to each chunk, 0 when not sealed
 */
public record SnapshotHeader(long index, long term, String backend, String recordKind, long storeVersion,
                             Commitment commitment, CommitMetadata metadata, int flags, long recordCount,
                             int chunkSize, int sealKeyId, int sealOverhead) {
    /** Flag bit: every body chunk is sealed with a {@link dev.keel.storage.api.crypto.Sealer}. */
    public static final int FLAG_SEALED = 1;
    /** Every flag bit this format version knows. */
    static final int KNOWN_FLAGS = FLAG_SEALED;

    /**
     * @throws NullPointerException if an object argument is null
     * @throws IllegalArgumentException if a number is out of range or the index and term differ
     *     from the metadata's applied index and term
     */
    public SnapshotHeader {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(recordKind, "recordKind");
        Objects.requireNonNull(commitment, "commitment");
        Objects.requireNonNull(metadata, "metadata");
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("snapshot index and term must be >= 1: " + index + "/" + term);
        }
        if (backend.isEmpty() || recordKind.isEmpty()) {
            throw new IllegalArgumentException("backend and record kind must not be empty");
        }
        if (storeVersion < 0 || recordCount < 0) {
            throw new IllegalArgumentException("store version and record count must be >= 0: "
                    + storeVersion + "/" + recordCount);
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new IllegalArgumentException("unknown header flags: 0x" + Integer.toHexString(flags));
        }
        if (chunkSize < SnapshotFormat.MIN_CHUNK_SIZE || chunkSize > SnapshotFormat.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside ["
                    + SnapshotFormat.MIN_CHUNK_SIZE + ", " + SnapshotFormat.MAX_CHUNK_SIZE + "]");
        }
        if (sealOverhead < 0 || sealOverhead > SnapshotFormat.MAX_SEAL_OVERHEAD || sealKeyId < 0) {
            throw new IllegalArgumentException("seal overhead " + sealOverhead + " or key id " + sealKeyId + " out of range");
        }
        // The compact constructor runs before the fields are assigned: test the parameter, not isSealed().
        if ((flags & FLAG_SEALED) == 0 && (sealOverhead != 0 || sealKeyId != CommitMetadata.NO_KEY)) {
            throw new IllegalArgumentException("an unsealed snapshot has no seal key or overhead");
        }
        if ((flags & FLAG_SEALED) != 0 && sealKeyId == CommitMetadata.NO_KEY) {
            throw new IllegalArgumentException("a sealed snapshot names the key its chunks are sealed with");
        }
    }

    /** @return true when the body chunks are sealed */
    public boolean isSealed() {
        return (flags & FLAG_SEALED) != 0;
    }

    /** @return the version, commitment and metadata the body rebuilds */
    public CommitInfo commitInfo() {
        return new CommitInfo(storeVersion, commitment, metadata);
    }
}
