package dev.keel.parity;

import dev.keel.storage.api.KeelException;
import java.util.HexFormat;

/**
 * A store's scan returned keys out of {@link dev.keel.storage.api.KeyValue#KEY_ORDER} (or a key
 * twice). A digest of such a stream would silently depend on the backend's bug, so digesting
 * stops instead.
 *
 * <p>Immutable and thread-safe.
 */
public class ScanOrderException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final String backend;
    private final long version;

    /**
     * @param backend the backend whose scan misbehaved
     * @param version the version scanned
     * @param previous the key returned before
     * @param next the key returned after it, not above it
     */
    public ScanOrderException(String backend, long version, byte[] previous, byte[] next) {
        super("the " + backend + " store's scan of version " + version + " returned key "
                + HexFormat.of().formatHex(next) + " after key " + HexFormat.of().formatHex(previous)
                + ": keys must come in strictly increasing unsigned byte order");
        this.backend = backend;
        this.version = version;
    }

    /** @return the backend whose scan misbehaved */
    public String backend() {
        return backend;
    }

    /** @return the version that was scanned */
    public long version() {
        return version;
    }
}
