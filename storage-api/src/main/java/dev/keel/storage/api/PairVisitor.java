package dev.keel.storage.api;

/**
 * Receives the pairs of a {@link StoreView#forEachPair} scan without copies. The arrays are
 * read-only: a visitor must never modify them (they may be the store's own), but it may keep
 * references to them. It is called on the thread that called {@code forEachPair}, one pair at a
 * time; an exception it throws ends the scan and propagates to that caller.
 */
@FunctionalInterface
public interface PairVisitor {
    /**
     * @param key the key (read-only)
     * @param value its value (read-only, possibly empty, never null)
     */
    void visit(byte[] key, byte[] value);
}
