package dev.keel.storage.api.snapshot;

import java.nio.file.Path;

/**
 * Check 3: the header does not parse, fails its own CRC, differs from the token's header CRC, or its index and term disagree with the token or its own metadata; also an unknown magic or unsupported format version. Immutable and thread-safe.
 */
public class SnapshotHeaderException extends SnapshotException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     */
    public SnapshotHeaderException(Path file, String message) {
        super(file, message);
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotHeaderException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
