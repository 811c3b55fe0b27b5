package dev.keel.storage.api;

import java.util.Optional;

/**
 * A read-only, consistent view of one committed version.
 *
 * <p>A view keeps showing its version while later commits, rollbacks or prunes happen (it pins the
 * data it needs until closed). Reads through it never see another version. Close it to release
 * the pinned resources; after {@link #close()}, or after the store is closed, every method throws
 * {@link IllegalStateException}.
 *
 * <p>Thread-safe: several threads may read through one view; iterators themselves are
 * single-threaded.
 */
public interface StoreView extends AutoCloseable {
    /** @return the version this view shows */
    long version();

    /** @return the commitment of that version */
    Commitment commitment();

    /** @return the metadata committed with that version */
    CommitMetadata metadata();

    /** @return version, commitment and metadata together */
    default CommitInfo info() {
        return new CommitInfo(version(), commitment(), metadata());
    }

    /**
     * @param key the key
     * @return the value at this version (possibly empty), or empty when the key is absent
     * @throws IllegalArgumentException if the key violates {@link Limits}
     * @throws StorageException on an I/O failure
     */
    Optional<byte[]> get(byte[] key);

    /**
     * Iterates the keys in {@code [fromInclusive, toExclusive)} in {@link KeyValue#KEY_ORDER}; an
     * empty range (from at or after to) yields nothing.
     *
     * @param fromInclusive first key, or {@code null} for the start of the key space
     * @param toExclusive bound, or {@code null} for the end of the key space
     * @return an iterator to close after use
     * @throws StorageException on an I/O failure
     */
    KeyValueIterator scan(byte[] fromInclusive, byte[] toExclusive);

    /** @return an iterator over every key of this version */
    default KeyValueIterator scan() {
        return scan(null, null);
    }

    /**
     * Visits every pair of the view in {@link KeyValue#KEY_ORDER}, like {@link #scan()}, but without
     * the copies a {@link KeyValue} makes: for bulk readers (digests, exports) that read each pair
     * once. The default scans and copies; backends override it to hand out their own arrays.
     *
     * @param visitor receives each pair; must not modify the arrays
     * @throws IllegalStateException if the view or its store is closed
     */
    default void forEachPair(PairVisitor visitor) {
        java.util.Objects.requireNonNull(visitor, "visitor");
        try (KeyValueIterator it = scan()) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                visitor.visit(kv.key(), kv.value());
            }
        }
    }

    /** Releases the view; idempotent. */
    @Override
    void close();
}
