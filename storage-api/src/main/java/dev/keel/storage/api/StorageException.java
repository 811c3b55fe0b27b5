package dev.keel.storage.api;

/**
 * An I/O or native storage failure (a RocksDB error, a failed read, write or {@code fsync}).
 *
 * <p>Every backend wraps its native errors in this type, so callers never see a
 * backend-specific exception. A store that throws it from {@code commit} has not acknowledged
 * the commit; whether the commit became durable is decided on the next open (it is either fully
 * present or absent).
 *
 * <p>Immutable and thread-safe.
 */
public class StorageException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the file or operation */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the file or operation
     * @param cause the native or I/O error
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
