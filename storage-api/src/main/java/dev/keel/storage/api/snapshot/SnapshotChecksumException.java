package dev.keel.storage.api.snapshot;

import java.nio.file.Path;

/**
 * Check 4: the CRC32C recomputed over header and body differs from the footer: the body is damaged. Immutable and thread-safe.
 */
public class SnapshotChecksumException extends SnapshotException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     */
    public SnapshotChecksumException(Path file, String message) {
        super(file, message);
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotChecksumException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
