package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;
import java.util.SplittableRandom;

/**
 * A seeded random history: each version's batch is a pure function of (seed, version), so any
 * shard can generate its own range and two machines given the same seed replay the same history.
 *
 * <p>Batches mix puts (some with empty values, which must stay distinct from absence), deletes of
 * present and absent keys, repeated keys within a batch (the last operation wins) and, now and
 * then, an empty batch. Keys range from 1 to 32 bytes over a bounded key space, so keys are
 * overwritten and deleted often and some keys are shorter than a bucket depth.
 *
 * <p>Immutable and thread-safe.
 */
public final class GeneratedHistory implements ReplayHistory {
    /** Distinct key indices: small enough that versions overwrite and delete each other's keys. */
    static final int KEY_SPACE = 4096;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final long versions;

    /**
     * @param seed the seed
     * @param versions the number of versions, at least 1
     * @throws IllegalArgumentException if {@code versions} is below 1
     */
    public GeneratedHistory(long seed, long versions) {
        if (versions < 1) {
            throw new IllegalArgumentException("a generated history needs at least 1 version: " + versions);
        }
        this.seed = seed;
        this.versions = versions;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    @Override
    public long versions() {
        return versions;
    }

    @Override
    public ChangeSet batch(long version) {
        if (version < 1 || version > versions) {
            throw new IndexOutOfBoundsException("version " + version + " is outside the history (1.." + versions + ")");
        }
        SplittableRandom random = new SplittableRandom(seed ^ (version * GOLDEN));
        if (random.nextInt(50) == 0) {
            return ChangeSet.empty();
        }
        ChangeSet.Builder b = ChangeSet.builder();
        int operations = 1 + random.nextInt(40);
        for (int i = 0; i < operations; i++) {
            byte[] key = key(random.nextInt(KEY_SPACE));
            if (random.nextInt(8) == 0) {
                b.delete(key);
            } else {
                byte[] value = new byte[random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(64)];
                random.nextBytes(value);
                b.put(key, value);
            }
        }
        return b.build();
    }

    /** The key of an index: its length and bytes are fixed by (seed, index). */
    private byte[] key(int index) {
        SplittableRandom random = new SplittableRandom(seed + index * GOLDEN);
        // One key in sixteen is 1-3 bytes: shorter than a deep bucket prefix, and they collide
        // with each other, which is fine (two indices then name one key).
        byte[] key = new byte[index % 16 == 0 ? 1 + random.nextInt(3) : 4 + random.nextInt(29)];
        random.nextBytes(key);
        return key;
    }

    @Override
    public String describe() {
        return "generated seed=" + seed + " versions=" + versions;
    }
}
