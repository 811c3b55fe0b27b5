package dev.keel.storage.api;

/**
 * An operation was bound to one exact version and found another: a digest or comparison asked for
 * version {@code expected} of a store that does not serve it. Raised instead of silently working
 * on a neighbouring version.
 *
 * <p>Immutable and thread-safe.
 */
public class VersionMismatchException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final long expected;
    private final long actual;

    /**
     * @param expected the version the operation was bound to
     * @param actual the version that was found, or -1 when there was none
     * @param message context: which store or operation
     */
    public VersionMismatchException(long expected, long actual, String message) {
        super(message + ": expected version " + expected + ", found " + (actual < 0 ? "none" : Long.toString(actual)));
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the version the operation was bound to */
    public long expected() {
        return expected;
    }

    /** @return the version found, or -1 when there was none */
    public long actual() {
        return actual;
    }
}
