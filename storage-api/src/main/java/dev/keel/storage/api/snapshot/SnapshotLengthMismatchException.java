package dev.keel.storage.api.snapshot;

import java.nio.file.Path;

/**
 * Check 1: the file's length is not the token's. Immutable and thread-safe.
 */
public class SnapshotLengthMismatchException extends SnapshotException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     */
    public SnapshotLengthMismatchException(Path file, String message) {
        super(file, message);
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotLengthMismatchException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
