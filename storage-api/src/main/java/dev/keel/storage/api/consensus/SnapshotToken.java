package dev.keel.storage.api.consensus;

/**
 * How the log names a snapshot file: the only thing trusted about it.
 *
 * <p>A file matches its token when its length, its footer CRC32C and its header CRC32C are the
 * token's and its header's index and term are the token's. Immutable and thread-safe.
 *
 * @param index the log index the snapshot reflects (its version's applied index), at least 1
 * @param term the term of that index, at least 1
 * @param fileLength the file's length in bytes
 * @param footerCrc32c the CRC32C over header and body, as stored in the footer
 * @param headerCrc32c the CRC32C of the header, as stored in the header
 */
public record SnapshotToken(long index, long term, long fileLength, int footerCrc32c, int headerCrc32c) {
    /** @throws IllegalArgumentException if index, term or length is out of range */
    public SnapshotToken {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("snapshot index and term must be >= 1: " + index + "/" + term);
        }
        if (fileLength < 0) {
            throw new IllegalArgumentException("snapshot file length must be >= 0: " + fileLength);
        }
    }
}
