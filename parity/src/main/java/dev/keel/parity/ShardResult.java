package dev.keel.parity;

import java.util.Objects;

/**
 * What one shard of a differential replay found: the range it covers, its verdict, and the
 * digests that chain it to its neighbours.
 *
 * <p>Immutable and thread-safe.
 *
 * @param index the shard's position, 0 first
 * @param fromVersion the version whose state the shard starts from (0: the empty store)
 * @param toVersion the last version the shard replays and compares
 * @param verdict {@link Verdict#PASSED}, {@link Verdict#DIVERGED}, {@link Verdict#FAILED} or
 *     {@link Verdict#NOT_RUN}
 * @param startDigest the logical digest (hex) both stores had at {@code fromVersion}, or null when
 *     not established (not run, failed before, or the stores differed already there)
 * @param endDigest the logical digest (hex) both stores had at {@code toVersion}, or null when
 *     not reached with equal state
 * @param comparisons how many versions were digested on both sides and compared
 * @param divergence the first divergence, for {@link Verdict#DIVERGED}; otherwise null
 * @param error what stopped the shard, for {@link Verdict#FAILED}; otherwise null
 */
public record ShardResult(int index, long fromVersion, long toVersion, Verdict verdict, String startDigest,
                          String endDigest, long comparisons, Divergence divergence, String error) {
    /**
     * @throws NullPointerException if the verdict is null
     * @throws IllegalArgumentException if the range is empty or the facts contradict the verdict
     */
    public ShardResult {
        Objects.requireNonNull(verdict, "verdict");
        if (index < 0 || fromVersion < 0 || toVersion <= fromVersion) {
            throw new IllegalArgumentException("shard " + index + " has no versions: " + fromVersion + ".." + toVersion);
        }
        if ((verdict == Verdict.DIVERGED) != (divergence != null)) {
            throw new IllegalArgumentException("a divergence is given exactly for a diverged shard: " + verdict);
        }
        if ((verdict == Verdict.FAILED) != (error != null)) {
            throw new IllegalArgumentException("an error is given exactly for a failed shard: " + verdict);
        }
        if (verdict == Verdict.PASSED && (startDigest == null || endDigest == null)) {
            throw new IllegalArgumentException("a passed shard has both its start and end digests");
        }
    }

    /**
     * @param index the shard's position
     * @param fromVersion its starting version
     * @param toVersion its last version
     * @return a shard that was not run here
     */
    public static ShardResult notRun(int index, long fromVersion, long toVersion) {
        return new ShardResult(index, fromVersion, toVersion, Verdict.NOT_RUN, null, null, 0, null, null);
    }

    /** @return true when the shard ran (whatever its verdict) */
    public boolean ran() {
        return verdict != Verdict.NOT_RUN;
    }
}
