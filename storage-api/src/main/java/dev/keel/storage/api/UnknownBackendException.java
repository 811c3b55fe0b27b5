package dev.keel.storage.api;

import java.util.Collection;

/**
 * {@link Stores#open} was asked for a backend name that no {@link StoreProvider} on the class
 * path (or module path) offers.
 *
 * <p>Immutable and thread-safe.
 */
public class UnknownBackendException extends KeelException {
    private static final long serialVersionUID = 1L;

    /**
     * @param name the name asked for
     * @param available the names that are offered
     */
    public UnknownBackendException(String name, Collection<String> available) {
        super("no storage backend named '" + name + "' (available: " + available + ")");
    }
}
