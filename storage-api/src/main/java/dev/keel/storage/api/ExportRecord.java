package dev.keel.storage.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a store export. Its meaning depends on the export's record kind:
 * <ul>
 *   <li>{@value StoreExport#KIND_KEY_VALUE}: a (key, value) pair in key order; {@code version}
 *       and {@code height} are 0;</li>
 *   <li>{@value StoreExport#KIND_IAVL_NODE}: an IAVL node in post-order, as cosmos/iavl's
 *       exporter emits it: a leaf has height 0, its key and value; an inner node has its height,
 *       its key and a {@code null} value; {@code version} is the version the node was created in.</li>
 * </ul>
 *
 * <p>Immutable (arrays copied in and out) and thread-safe.
 *
 * @param key the key (for an inner node, the smallest key of its right subtree)
 * @param value the value, or {@code null} for an inner tree node
 * @param version the version the node was created in (0 for key-value records)
 * @param height the node height (0 for leaves and key-value records)
 */
public record ExportRecord(byte[] key, byte[] value, long version, int height) {
    /**
     * @throws NullPointerException if the key is null
     * @throws IllegalArgumentException if the height or version is negative
     */
    public ExportRecord {
        key = Objects.requireNonNull(key, "key").clone();
        value = value == null ? null : value.clone();
        if (height < 0 || version < 0) {
            throw new IllegalArgumentException("height and version must be >= 0: " + height + "/" + version);
        }
    }

    /**
     * @param key the key
     * @param value the value
     * @return a key-value record (limits are checked by the importing store, which reports a
     *     violation as {@link IncompatibleExportException})
     */
    public static ExportRecord keyValue(byte[] key, byte[] value) {
        return new ExportRecord(key, Objects.requireNonNull(value, "value"), 0, 0);
    }

    /** @return a copy of the key */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** @return a copy of the value, or {@code null} for an inner tree node */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportRecord r && version == r.version && height == r.height
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), version, height);
    }

    @Override
    public String toString() {
        return "ExportRecord[key=" + key.length + "B, value=" + (value == null ? "none" : value.length + "B")
                + ", version=" + version + ", height=" + height + "]";
    }
}
