package dev.keel.snapshot.format;

/**
 * What a successful {@link SnapshotVerifier#verify} established. Immutable and thread-safe.
 *
 * @param header the verified header
 * @param headerLength the header's length in bytes (the body starts there)
 * @param fileLength the file's length
 * @param bytesRead bytes the verification read (header and footer; the whole file under FULL)
 */
public record VerifiedSnapshot(SnapshotHeader header, int headerLength, long fileLength, long bytesRead) {
}
