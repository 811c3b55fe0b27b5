package dev.keel.storage.api;

/**
 * A version was asked for that the store does not hold: it was pruned, rolled back, is newer
 * than the latest commit, or never existed (a number between 0 and the initial version).
 *
 * <p>Keel never answers with a neighbouring version instead.
 *
 * <p>Immutable and thread-safe.
 */
public class VersionNotRetainedException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long oldestRetained;
    private final long latest;

    /**
     * @param requested the version asked for
     * @param oldestRetained the oldest version the store still holds
     * @param latest the latest committed version
     */
    public VersionNotRetainedException(long requested, long oldestRetained, long latest) {
        super("version " + requested + " is not retained (oldest retained " + oldestRetained + ", latest " + latest + ")");
        this.requested = requested;
        this.oldestRetained = oldestRetained;
        this.latest = latest;
    }

    /** @return the version asked for */
    public long requested() {
        return requested;
    }

    /** @return the oldest version the store held when the request was made */
    public long oldestRetained() {
        return oldestRetained;
    }

    /** @return the latest version the store held when the request was made */
    public long latest() {
        return latest;
    }
}
