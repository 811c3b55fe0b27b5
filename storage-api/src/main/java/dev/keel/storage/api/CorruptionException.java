package dev.keel.storage.api;

import java.nio.file.Path;

/**
 * Stored data failed a consistency check: a checksum mismatch, an impossible length, a record
 * that does not decode. Keel never repairs such data silently and never falls back to a guess;
 * the store (or log, or snapshot) refuses to open or to serve the damaged part.
 *
 * <p>Immutable and thread-safe.
 */
public class CorruptionException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the damaged file, or {@code null} when the damage is not tied to one file
     * @param message what check failed, with expected and actual values
     */
    public CorruptionException(Path file, String message) {
        super(file == null ? message : file + ": " + message);
        this.file = file;
    }

    /**
     * @param file the damaged file, or {@code null} when the damage is not tied to one file
     * @param message what check failed, with expected and actual values
     * @param cause the decoding failure
     */
    public CorruptionException(Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.file = file;
    }

    /** @return the damaged file, or {@code null} when the damage is not tied to one file */
    public Path file() {
        return file;
    }
}
