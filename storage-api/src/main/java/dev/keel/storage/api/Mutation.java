package dev.keel.storage.api;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One operation of a {@link ChangeSet}: put a value under a key, or delete a key.
 *
 * <p>Immutable: arrays are copied in and out. Thread-safe.
 *
 * @param kind put or delete
 * @param key the key, 1..{@link Limits#MAX_KEY_BYTES} bytes
 * @param value the value for a put (0..{@link Limits#MAX_VALUE_BYTES} bytes); {@code null} for a delete
 */
public record Mutation(Kind kind, byte[] key, byte[] value) {
    /** What a mutation does. */
    public enum Kind {
        /** Set the key to the value (an empty value is a value, distinct from absence). */
        PUT,
        /** Remove the key; removing an absent key is a no-op. */
        DELETE
    }

    /**
     * @throws NullPointerException if kind or key is null, or a put has a null value
     * @throws IllegalArgumentException if the key or value is outside {@link Limits}, or a delete has a value
     */
    public Mutation {
        Objects.requireNonNull(kind, "kind");
        Limits.checkKey(key);
        key = key.clone();
        if (kind == Kind.PUT) {
            Limits.checkValue(value);
            value = value.clone();
        } else if (value != null) {
            throw new IllegalArgumentException("a delete carries no value");
        }
    }

    /**
     * @param key the key
     * @param value the value
     * @return a put
     */
    public static Mutation put(byte[] key, byte[] value) {
        return new Mutation(Kind.PUT, key, value);
    }

    /**
     * @param key the key
     * @return a delete
     */
    public static Mutation delete(byte[] key) {
        return new Mutation(Kind.DELETE, key, null);
    }

    /** @return a copy of the key */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** @return a copy of the value, or {@code null} for a delete */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    /** @return true for a put */
    public boolean isPut() {
        return kind == Kind.PUT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mutation m && kind == m.kind && Arrays.equals(key, m.key) && Arrays.equals(value, m.value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return kind == Kind.PUT
                ? "put " + hex.formatHex(key) + " = " + hex.formatHex(value)
                : "delete " + hex.formatHex(key);
    }
}
