package dev.keel.storage.tree;

import dev.keel.storage.api.Mutation;
import java.util.List;

/**
 * A commit's effective operations as the store's own copies of their keys and values, taken once
 * from the {@link Mutation}s (which hand out a fresh copy on every access): the tree keeps these
 * arrays and the changelog writes them, so neither copies again. Never modified; single-threaded.
 */
final class Changes {
    private final byte[][] keys;
    /** {@code null} at a delete. */
    private final byte[][] values;

    private Changes(byte[][] keys, byte[][] values) {
        this.keys = keys;
        this.values = values;
    }

    /** @param effective one operation per key, in key order */
    static Changes of(List<Mutation> effective) {
        int n = effective.size();
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            Mutation m = effective.get(i);
            keys[i] = m.key();
            values[i] = m.isPut() ? m.value() : null;
        }
        return new Changes(keys, values);
    }

    int size() {
        return keys.length;
    }

    byte[] key(int i) {
        return keys[i];
    }

    boolean isPut(int i) {
        return values[i] != null;
    }

    /** @return the value of a put, {@code null} for a delete */
    byte[] value(int i) {
        return values[i];
    }
}
