package dev.keel.storage.api.snapshot;

import dev.keel.storage.api.KeelException;
import java.nio.file.Path;

/**
 * A snapshot file failed verification against its token. The subclasses are the four ordered
 * checks of SPEC section 3; none of them modifies any state. Immutable and thread-safe.
 */
public class SnapshotException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message the check and the expected and actual values
     */
    public SnapshotException(Path file, String message) {
        super(file == null ? message : file + ": " + message);
        this.file = file;
    }

    /**
     * @param file the snapshot file, or {@code null} for a stream
     * @param message the check and the expected and actual values
     * @param cause the decoding failure
     */
    public SnapshotException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** @return the snapshot file, or {@code null} */
    public Path file() {
        return file;
    }
}
