package dev.keel.storage.api.snapshot;

import java.nio.file.Path;

/**
 * Check 1: the file is shorter than the smallest valid snapshot. Immutable and thread-safe.
 */
public class SnapshotTooSmallException extends SnapshotException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     */
    public SnapshotTooSmallException(Path file, String message) {
        super(file, message);
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotTooSmallException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
