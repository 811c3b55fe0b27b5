package dev.keel.parity;

import java.util.HexFormat;
import java.util.Objects;

/**
 * The first point where two stores replaying one history hold different logical state.
 *
 * <p>Immutable (arrays copied in and out) and thread-safe.
 *
 * @param version the first version at which the two stores' logical digests differ
 * @param bucketPrefix the prefix of the first bucket, in key order, that differs
 * @param key the first key, in key order, whose value differs (present on one side only, or with
 *     other bytes); {@code null} when the digests differ but a rescan found no such key (a store
 *     whose content changed under a view)
 * @param leftValue the left store's value for the key, {@code null} when absent there
 * @param rightValue the right store's value for the key, {@code null} when absent there
 * @param leftName the left store's name (e.g. {@code flatkv})
 * @param rightName the right store's name (e.g. {@code tree})
 * @param leftDigest the left store's final digest at {@code version}, hex
 * @param rightDigest the right store's final digest at {@code version}, hex
 */
public record Divergence(long version, byte[] bucketPrefix, byte[] key, byte[] leftValue, byte[] rightValue,
                         String leftName, String rightName, String leftDigest, String rightDigest) {
    /** @throws NullPointerException if a required argument is null */
    public Divergence {
        bucketPrefix = Objects.requireNonNull(bucketPrefix, "bucketPrefix").clone();
        key = key == null ? null : key.clone();
        leftValue = leftValue == null ? null : leftValue.clone();
        rightValue = rightValue == null ? null : rightValue.clone();
        Objects.requireNonNull(leftName, "leftName");
        Objects.requireNonNull(rightName, "rightName");
        Objects.requireNonNull(leftDigest, "leftDigest");
        Objects.requireNonNull(rightDigest, "rightDigest");
    }

    /** @return a copy of the bucket prefix */
    @Override
    public byte[] bucketPrefix() {
        return bucketPrefix.clone();
    }

    /** @return a copy of the key, or null when none was found */
    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    /** @return a copy of the left value, or null when absent */
    @Override
    public byte[] leftValue() {
        return leftValue == null ? null : leftValue.clone();
    }

    /** @return a copy of the right value, or null when absent */
    @Override
    public byte[] rightValue() {
        return rightValue == null ? null : rightValue.clone();
    }

    /** @return the report: version, bucket, key and both values, one fact a line */
    public String describe() {
        HexFormat hex = HexFormat.of();
        return "first divergent version: " + version + "\n"
                + "bucket: " + (bucketPrefix.length == 0 ? "(all keys)" : hex.formatHex(bucketPrefix)) + "\n"
                + "key: " + (key == null ? "(none found on rescan: the digests differ but the pairs read back equal)"
                        : hex.formatHex(key)) + "\n"
                + leftName + " value: " + shown(leftValue) + "\n"
                + rightName + " value: " + shown(rightValue) + "\n"
                + leftName + " digest: " + leftDigest + "\n"
                + rightName + " digest: " + rightDigest;
    }

    private static String shown(byte[] value) {
        if (value == null) {
            return "(absent)";
        }
        return value.length == 0 ? "(empty value)" : HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Divergence d && version == d.version && describe().equals(d.describe());
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return describe().replace('\n', ';');
    }
}
