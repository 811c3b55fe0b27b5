package dev.keel.storage.api;

/**
 * An import was offered records this store cannot take: another backend's records, another record
 * kind, another commitment scheme, records out of order, or a malformed record. Nothing is
 * written; the target is left as it was.
 *
 * <p>Immutable and thread-safe.
 */
public class IncompatibleExportException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what was offered and what this store expects */
    public IncompatibleExportException(String message) {
        super(message);
    }
}
