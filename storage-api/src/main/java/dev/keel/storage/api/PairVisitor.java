package dev.keel.storage.api;

/**
 * Receives the pairs of a {@link StoreView#forEachPair} scan without copies. The arrays are
 * read-only: a visitor must never modify them (they may be the store's own), but it may keep
 * references to them.
 */
@FunctionalInterface
public interface PairVisitor {
    /**
     * @param key the key (read-only)
     * @param value its value (read-only, possibly empty, never null)
     */
    void visit(byte[] key, byte[] value);
}
