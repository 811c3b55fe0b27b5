package dev.keel.storage.api;

/**
 * A store was opened with options that contradict what its directory already holds: another
 * backend's files, another initial version, an unsupported on-disk format version. Nothing is
 * modified.
 *
 * <p>Immutable and thread-safe.
 */
public class StoreConfigurationException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what the directory holds and what was asked for */
    public StoreConfigurationException(String message) {
        super(message);
    }
}
