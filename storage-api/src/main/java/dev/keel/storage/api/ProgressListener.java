package dev.keel.storage.api;

/**
 * Receives the progress of a long operation (import, export, restore, verify, replay, digest).
 *
 * <p>Called from the thread doing the work, at most every few thousand units and once at the
 * end; implementations must be quick and must not throw. {@code total} is -1 when unknown.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param done units done so far (records or bytes, as the operation documents)
     * @param total units in all, or -1 when unknown
     */
    void onProgress(long done, long total);
}
