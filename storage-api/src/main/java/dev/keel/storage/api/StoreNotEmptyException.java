package dev.keel.storage.api;

/**
 * {@link VersionedStore#importFrom} was called on a store that already holds a committed
 * version. Use {@link VersionedStore#replaceFrom} to replace live state.
 *
 * <p>Immutable and thread-safe.
 */
public class StoreNotEmptyException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param latestVersion the version the store holds */
    public StoreNotEmptyException(long latestVersion) {
        super("store is not empty: it holds version " + latestVersion + "; import needs an empty store");
    }
}
