package dev.keel.storage.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * An ordered set of puts and deletes that a store applies atomically as one new version.
 *
 * <p>Later operations on the same key win: {@link #effective()} holds exactly one mutation per
 * key, the last one given for it, in key order. Deleting an absent key is a no-op when applied.
 * An empty change set is allowed; committing it still creates a version (with the same data).
 *
 * <p>Build one with {@link #builder()}. Keys and values are validated against {@link Limits} when
 * added, so a change set that exists is one every backend accepts. Immutable and thread-safe; the
 * builder is not thread-safe.
 */
public final class ChangeSet {
    private static final ChangeSet EMPTY = new ChangeSet(List.of(), List.of());

    private final List<Mutation> mutations;
    private final List<Mutation> effective;

    private ChangeSet(List<Mutation> mutations, List<Mutation> effective) {
        this.mutations = mutations;
        this.effective = effective;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the change set without operations */
    public static ChangeSet empty() {
        return EMPTY;
    }

    /**
     * @param mutations operations in the order they apply
     * @return a change set of them
     */
    public static ChangeSet of(List<Mutation> mutations) {
        Builder b = builder();
        mutations.forEach(b::add);
        return b.build();
    }

    /** @return every operation in the order it was added, duplicates of a key included */
    public List<Mutation> mutations() {
        return mutations;
    }

    /** @return one operation per key (the last one given for it), in {@link KeyValue#KEY_ORDER} */
    public List<Mutation> effective() {
        return effective;
    }

    /** @return the number of operations as added */
    public int size() {
        return mutations.size();
    }

    /** @return true when the change set has no operation */
    public boolean isEmpty() {
        return mutations.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeSet c && mutations.equals(c.mutations);
    }

    @Override
    public int hashCode() {
        return mutations.hashCode();
    }

    @Override
    public String toString() {
        return "ChangeSet[" + mutations.size() + " mutations, " + effective.size() + " keys]";
    }

    /** Collects operations; not thread-safe. Each call validates its arguments immediately. */
    public static final class Builder {
        private final List<Mutation> mutations = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param key the key (1..64 KiB)
         * @param value the value (0..16 MiB; empty is a value)
         * @return this builder
         * @throws IllegalArgumentException if a limit is exceeded (nothing is added)
         */
        public Builder put(byte[] key, byte[] value) {
            mutations.add(Mutation.put(key, value));
            return this;
        }

        /**
         * @param key the key (1..64 KiB)
         * @return this builder
         * @throws IllegalArgumentException if the key is empty or too long (nothing is added)
         */
        public Builder delete(byte[] key) {
            mutations.add(Mutation.delete(key));
            return this;
        }

        /**
         * @param mutation an operation
         * @return this builder
         */
        public Builder add(Mutation mutation) {
            mutations.add(java.util.Objects.requireNonNull(mutation, "mutation"));
            return this;
        }

        /** @return the number of operations added so far */
        public int size() {
            return mutations.size();
        }

        /**
         * @return an immutable change set of every operation added so far; the builder keeps them,
         *     so operations added afterwards extend the next change set it builds
         */
        public ChangeSet build() {
            if (mutations.isEmpty()) {
                return EMPTY;
            }
            TreeMap<byte[], Mutation> last = new TreeMap<>(KeyValue.KEY_ORDER);
            for (Mutation m : mutations) {
                last.put(m.key(), m);
            }
            return new ChangeSet(Collections.unmodifiableList(new ArrayList<>(mutations)),
                    List.copyOf(last.values()));
        }
    }
}
