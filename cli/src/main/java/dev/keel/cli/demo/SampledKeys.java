package dev.keel.cli.demo;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The values the demo expects for a sample of its keys (every {@value #EVERY}th key index), kept
 * up to date by applying the generated blocks, so a store after any restart can be checked against
 * them. Not thread-safe.
 */
final class SampledKeys {
    static final int EVERY = 100;

    /** Index i holds the value of key index i * EVERY, or null when the key is absent. */
    private final byte[][] values;

    private SampledKeys(byte[][] values) {
        this.values = values;
    }

    /** @return the sample of an empty store: every sampled key absent */
    static SampledKeys empty() {
        return new SampledKeys(new byte[DemoWorkload.KEY_SPACE / EVERY][]);
    }

    /** @return the number of sampled keys */
    int size() {
        return values.length;
    }

    /** @param changes one block's operations, in order; those on sampled keys update the sample */
    void apply(List<DemoWorkload.Change> changes) {
        for (DemoWorkload.Change c : changes) {
            if (c.keyIndex() % EVERY == 0) {
                values[c.keyIndex() / EVERY] = c.value();
            }
        }
    }

    /**
     * @param reader reads a key's value from the store
     * @return a description of the first sampled key whose value differs, or empty when all match
     */
    Optional<String> firstMismatch(Function<byte[], Optional<byte[]>> reader) {
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < values.length; i++) {
            byte[] key = DemoWorkload.key(i * EVERY);
            byte[] actual = reader.apply(key).orElse(null);
            if (!Arrays.equals(values[i], actual)) {
                return Optional.of("key " + hex.formatHex(key) + ": expected " + describe(values[i])
                        + ", read " + describe(actual));
            }
        }
        return Optional.empty();
    }

    private static String describe(byte[] value) {
        if (value == null) {
            return "absent";
        }
        if (value.length == 0) {
            return "the empty value";
        }
        String hex = HexFormat.of().formatHex(value, 0, Math.min(value.length, 8));
        return value.length + " bytes " + hex + (value.length > 8 ? "..." : "");
    }
}
