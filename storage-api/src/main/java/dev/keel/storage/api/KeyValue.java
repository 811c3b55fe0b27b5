package dev.keel.storage.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A key and its value as read from a store.
 *
 * <p>Immutable: arrays are copied in and out. Thread-safe.
 *
 * @param key the key
 * @param value the value (possibly empty, never null)
 */
public record KeyValue(byte[] key, byte[] value) {
    /** The order of keys in every store: lexicographic over unsigned bytes. */
    public static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    /** @throws NullPointerException if an argument is null */
    public KeyValue {
        key = Objects.requireNonNull(key, "key").clone();
        value = Objects.requireNonNull(value, "value").clone();
    }

    /** @return a copy of the key */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** @return a copy of the value */
    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.formatHex(key) + "=" + hex.formatHex(value);
    }
}
