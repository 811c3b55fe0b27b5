package dev.keel.snapshot.gate;

/**
 * Whether the engine is one member of a cluster (peers hold every acknowledged entry, so a
 * restore can never lose one) or standalone (the local store may be the only copy). Thread-safe.
 */
public enum NodeRole {
    /** A single node: the local state may hold acknowledged entries nothing else has. */
    STANDALONE,
    /** One member of a replicated cluster. */
    CLUSTER_MEMBER
}
