package dev.keel.storage.api.snapshot;

import java.nio.file.Path;

/**
 * Check 2: the footer CRC is not the token's: the token names another file (the metadata is wrong). Immutable and thread-safe.
 */
public class SnapshotTokenMismatchException extends SnapshotException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     */
    public SnapshotTokenMismatchException(Path file, String message) {
        super(file, message);
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotTokenMismatchException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
