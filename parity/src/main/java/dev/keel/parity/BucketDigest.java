package dev.keel.parity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The sub-digest of one bucket of a {@link LogicalDigest}: the keys that start with
 * {@code prefix}, how many there are, and the SHA-256 of their length-prefixed pairs in key order.
 *
 * <p>A key shorter than the digest's depth is its own bucket (its prefix is the whole key), so
 * every key belongs to exactly one bucket and a bucket's keys are contiguous in key order.
 *
 * <p>Immutable (arrays are copied in and out) and thread-safe.
 *
 * @param prefix the key prefix naming the bucket (at most the digest's depth in bytes)
 * @param count the number of keys in the bucket, at least 1
 * @param digest the 32-byte SHA-256 of {@code u32be(len key) ‖ key ‖ u32be(len value) ‖ value}
 *     over the bucket's pairs in key order
 */
public record BucketDigest(byte[] prefix, long count, byte[] digest) {
    /**
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the count is below 1 or the digest is not 32 bytes
     */
    public BucketDigest {
        prefix = Objects.requireNonNull(prefix, "prefix").clone();
        digest = Objects.requireNonNull(digest, "digest").clone();
        if (count < 1) {
            throw new IllegalArgumentException("a bucket holds at least one key: " + count);
        }
        if (digest.length != LogicalDigest.DIGEST_BYTES) {
            throw new IllegalArgumentException("bucket digest must be 32 bytes: " + digest.length);
        }
    }

    /** @return a copy of the prefix */
    @Override
    public byte[] prefix() {
        return prefix.clone();
    }

    /** @return a copy of the digest */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** @return the prefix in lower-case hex ({@code ""} for the single bucket of depth 0) */
    public String prefixHex() {
        return HexFormat.of().formatHex(prefix);
    }

    /** @return the digest in lower-case hex */
    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * @param other another bucket
     * @return true when both name the same prefix and hold the same count and digest
     */
    public boolean sameContent(BucketDigest other) {
        return count == other.count && Arrays.equals(prefix, other.prefix) && Arrays.equals(digest, other.digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketDigest b && sameContent(b);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(prefix) + Long.hashCode(count)) + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "bucket " + (prefix.length == 0 ? "(all)" : prefixHex()) + ": " + count + " keys, " + digestHex();
    }
}
