package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;

/**
 * One history to replay: the change set of every version, version 1 first, readable in any order
 * so that a shard can start in the middle.
 *
 * <p>Implementations are immutable and thread-safe: shards read one history concurrently.
 * {@link GeneratedHistory} computes each batch from a seed; {@link RecordedHistory} holds batches
 * read from elsewhere (an operations file).
 */
public interface ReplayHistory {
    /** @return the number of versions (batches); the history's last version */
    long versions();

    /**
     * @param version 1..{@link #versions()}
     * @return the change set committed as that version
     * @throws IndexOutOfBoundsException if the version is outside the history
     */
    ChangeSet batch(long version);

    /** @return where the history comes from, for reports and manifests (one line) */
    String describe();
}
