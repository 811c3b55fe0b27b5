package dev.keel.storage.api;

/**
 * Size limits every backend enforces identically. A key or value outside them is rejected with
 * an {@link IllegalArgumentException} naming the limit, before anything is written.
 *
 * <p>Constants only; thread-safe.
 */
public final class Limits {
    /** Largest key, in bytes (64 KiB). Keys must also be non-empty. */
    public static final int MAX_KEY_BYTES = 64 * 1024;
    /** Largest value, in bytes (16 MiB). The empty value is allowed and distinct from absence. */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

    private Limits() {
    }

    /**
     * @param key a key
     * @throws NullPointerException if the key is null
     * @throws IllegalArgumentException if it is empty or longer than {@link #MAX_KEY_BYTES}
     */
    public static void checkKey(byte[] key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty (keys are 1.." + MAX_KEY_BYTES + " bytes)");
        }
        if (key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key of " + key.length + " bytes exceeds the limit of " + MAX_KEY_BYTES + " bytes");
        }
    }

    /**
     * @param value a value
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if it is longer than {@link #MAX_VALUE_BYTES}
     */
    public static void checkValue(byte[] value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds the limit of " + MAX_VALUE_BYTES + " bytes");
        }
    }
}
