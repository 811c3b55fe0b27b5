package dev.keel.snapshot.format;

/**
 * How {@link SnapshotWriter} frames a body. Immutable and thread-safe.
 *
 * @param chunkSize plaintext bytes per chunk (every chunk but the last), 16 B to 16 MiB
 * @param sealing how to seal each chunk, or {@code null} to write it in clear
 */
public record SnapshotWriteOptions(int chunkSize, ChunkSealing sealing) {
    /** 1 MiB chunks, not sealed. */
    public static final SnapshotWriteOptions DEFAULTS = new SnapshotWriteOptions(SnapshotFormat.DEFAULT_CHUNK_SIZE, null);

    /** @throws IllegalArgumentException if the chunk size is out of range */
    public SnapshotWriteOptions {
        if (chunkSize < SnapshotFormat.MIN_CHUNK_SIZE || chunkSize > SnapshotFormat.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside [" + SnapshotFormat.MIN_CHUNK_SIZE
                    + ", " + SnapshotFormat.MAX_CHUNK_SIZE + "]");
        }
    }

    /**
     * @param size plaintext bytes per chunk
     * @return these options with another chunk size
     */
    public SnapshotWriteOptions withChunkSize(int size) {
        return new SnapshotWriteOptions(size, sealing);
    }

    /**
     * @param chunkSealing how to seal chunks, or null for none
     * @return these options with another sealing
     */
    public SnapshotWriteOptions withSealing(ChunkSealing chunkSealing) {
        return new SnapshotWriteOptions(chunkSize, chunkSealing);
    }
}
