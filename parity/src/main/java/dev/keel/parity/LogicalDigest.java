package dev.keel.parity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The logical digest of one store version: a function of its (key, value) pairs only, so two
 * stores of any backends have equal digests (at equal depth) exactly when they hold the same
 * pairs, up to SHA-256 collisions.
 *
 * <p>The pairs are split into buckets by key prefix ({@link #depth()} bytes; depth 1 gives up to
 * 256 buckets), each with its own SHA-256 and count, so a divergence is narrowed to one bucket
 * before any key is read again. The final digest is SHA-256 over
 * {@code "keel-logical-digest/1" ‖ u8(depth)} followed, for each non-empty bucket in key order, by
 * {@code u32be(len prefix) ‖ prefix ‖ u64be(count) ‖ bucket digest}. The depth is part of it:
 * digests of different depths are not comparable. The version is not (it is the content that is
 * compared), but is recorded so that a comparison can check both sides were taken at the same one.
 *
 * <p>Immutable and thread-safe. Computed by {@link LogicalDigester}.
 *
 * @param version the store version the digest was taken at
 * @param depth the bucket prefix length in bytes
 * @param keyCount the number of keys in the version
 * @param buckets the non-empty buckets, in key order of their prefixes
 * @param digest the 32-byte final digest
 */
public record LogicalDigest(long version, int depth, long keyCount, List<BucketDigest> buckets, byte[] digest) {
    /** Length of every digest (SHA-256). */
    public static final int DIGEST_BYTES = 32;
    /** The largest bucket depth: 2^(8·4) buckets is already far more than any useful bisection. */
    public static final int MAX_DEPTH = 4;

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a number is out of range or the digest is not 32 bytes
     */
    public LogicalDigest {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
        checkDepth(depth);
        if (keyCount < 0) {
            throw new IllegalArgumentException("key count must be >= 0: " + keyCount);
        }
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
        digest = Objects.requireNonNull(digest, "digest").clone();
        if (digest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("digest must be 32 bytes: " + digest.length);
        }
    }

    /**
     * @param depth a bucket depth
     * @throws IllegalArgumentException if it is outside 0..{@value #MAX_DEPTH}
     */
    static void checkDepth(int depth) {
        if (depth < 0 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("bucket depth must be 0.." + MAX_DEPTH + " bytes: " + depth);
        }
    }

    /** @return a copy of the final digest */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** @return the final digest in lower-case hex */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * @param other a digest of the same depth
     * @return true when both describe the same logical content (the versions may differ)
     * @throws IllegalArgumentException if the depths differ (such digests are not comparable)
     */
    public boolean sameContent(LogicalDigest other) {
        requireSameDepth(other);
        return keyCount == other.keyCount && Arrays.equals(digest, other.digest);
    }

    /**
     * The first bucket, in key order, whose presence, count or digest differs between the two.
     *
     * @param other a digest of the same depth
     * @return the prefix of that bucket, or empty when every bucket matches
     * @throws IllegalArgumentException if the depths differ
     */
    public Optional<byte[]> firstDifferingBucket(LogicalDigest other) {
        requireSameDepth(other);
        int i = 0;
        int j = 0;
        while (i < buckets.size() || j < other.buckets.size()) {
            BucketDigest a = i < buckets.size() ? buckets.get(i) : null;
            BucketDigest b = j < other.buckets.size() ? other.buckets.get(j) : null;
            if (a == null || b == null) {
                return Optional.of((a == null ? b : a).prefix());
            }
            int order = Arrays.compareUnsigned(a.prefix(), b.prefix());
            if (order != 0) {
                // A bucket present on one side only: the smaller prefix is the first difference.
                return Optional.of(order < 0 ? a.prefix() : b.prefix());
            }
            if (!a.sameContent(b)) {
                return Optional.of(a.prefix());
            }
            i++;
            j++;
        }
        return Optional.empty();
    }

    private void requireSameDepth(LogicalDigest other) {
        if (other.depth != depth) {
            throw new IllegalArgumentException("digests of depth " + depth + " and " + other.depth
                    + " are not comparable; take both at the same depth");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogicalDigest d && version == d.version && depth == d.depth && keyCount == d.keyCount
                && Arrays.equals(digest, d.digest) && buckets.equals(d.buckets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, depth, keyCount, Arrays.hashCode(digest));
    }

    @Override
    public String toString() {
        return "LogicalDigest[version " + version + ", depth " + depth + ", " + keyCount + " keys in "
                + buckets.size() + " buckets, " + hex() + "]";
    }
}
