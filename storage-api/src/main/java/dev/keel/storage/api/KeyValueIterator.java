package dev.keel.storage.api;

import java.util.Iterator;

/**
 * An ordered iteration over key-value pairs of one version, holding native resources until closed.
 *
 * <p>Keys come in {@link KeyValue#KEY_ORDER}. Use it in try-with-resources; after
 * {@link #close()} (or after its view or store is closed) {@code hasNext}/{@code next} throw
 * {@link IllegalStateException}. Not thread-safe: one thread iterates.
 */
public interface KeyValueIterator extends Iterator<KeyValue>, AutoCloseable {
    /** Releases the native resources; idempotent. */
    @Override
    void close();
}
