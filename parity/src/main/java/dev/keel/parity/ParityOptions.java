package dev.keel.parity;

import dev.keel.storage.api.StoreOptions;
import java.util.Objects;

/**
 * How a differential replay compares.
 *
 * <p>Immutable and thread-safe.
 *
 * @param every compare the stores every this many versions (and always at a shard's first and last
 *     version); at least 1
 * @param depth the digest's bucket depth in bytes (see {@link LogicalDigester})
 * @param start how a shard after the first reaches its starting state
 * @param storeOptions how both stores are opened; the retained window is widened to at least
 *     {@code every + 1} versions so that a divergence between two comparisons can be located
 */
public record ParityOptions(int every, int depth, ShardStart start, StoreOptions storeOptions) {
    /** The default interval between comparisons. */
    public static final int DEFAULT_EVERY = 10;

    /**
     * @throws IllegalArgumentException if {@code every} is below 1 or the depth out of range
     * @throws NullPointerException if an argument is null
     */
    public ParityOptions {
        if (every < 1) {
            throw new IllegalArgumentException("compare every N versions needs N >= 1: " + every);
        }
        LogicalDigest.checkDepth(depth);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(storeOptions, "storeOptions");
        if (storeOptions.retainedVersions() < every + 1) {
            storeOptions = storeOptions.withRetainedVersions(every + 1);
        }
    }

    /**
     * Comparisons every {@value #DEFAULT_EVERY} versions at depth 1, shards started from the
     * logical state, stores unsynced (a replay is rebuilt from its history, never recovered).
     *
     * @return the defaults
     */
    public static ParityOptions defaults() {
        return new ParityOptions(DEFAULT_EVERY, LogicalDigester.DEFAULT_DEPTH, ShardStart.LOGICAL_STATE,
                StoreOptions.defaults().withSync(false).withHashThreads(1));
    }

    /**
     * @param n compare every n versions
     * @return a copy with another interval
     */
    public ParityOptions withEvery(int n) {
        return new ParityOptions(n, depth, start, storeOptions);
    }

    /**
     * @param bytes the bucket depth
     * @return a copy with another depth
     */
    public ParityOptions withDepth(int bytes) {
        return new ParityOptions(every, bytes, start, storeOptions);
    }

    /**
     * @param how how shards reach their starting state
     * @return a copy with another start
     */
    public ParityOptions withStart(ShardStart how) {
        return new ParityOptions(every, depth, how, storeOptions);
    }
}
