package dev.keel.parity;

/**
 * How a shard that does not start at version 0 brings both stores to the state of its first
 * version.
 */
public enum ShardStart {
    /**
     * Replay every earlier version into both stores, uncompared. Each store reaches the shard's
     * start through the real history (an IAVL tree gets the shape that history gives it), at the
     * cost of replaying the prefix once per shard.
     */
    REPLAY_PREFIX,
    /**
     * Commit the logical state after the prefix (computed in memory from the history) as one
     * version numbered like the shard's start ({@code initialVersion} set to it). Cheap, so shards
     * really run in parallel; the stores' internal shape (and commitment) then differs from a
     * full replay, which does not matter to a comparison of logical state but means a bug that
     * only the prefix's exact operation order provokes is caught by the earlier shard, not this one.
     */
    LOGICAL_STATE
}
