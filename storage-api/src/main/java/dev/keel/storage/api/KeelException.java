package dev.keel.storage.api;

/**
 * Root of every error Keel reports on purpose.
 *
 * <p>Unchecked, because almost every failure of a storage engine (corruption, a failed
 * {@code fsync}, a commitment that does not verify) is something the caller cannot repair in
 * place; it propagates to a layer that decides to stop, wipe or restore. Each subclass names one
 * situation and carries the facts (file, offset, expected, actual) in its message and fields.
 *
 * <p>Programming errors keep their JDK types: arguments outside the documented limits are
 * {@link IllegalArgumentException}, use of a closed object is {@link IllegalStateException}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class KeelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with the facts needed to act on it */
    public KeelException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, with the facts needed to act on it
     * @param cause the underlying failure
     */
    public KeelException(String message, Throwable cause) {
        super(message, cause);
    }
}
