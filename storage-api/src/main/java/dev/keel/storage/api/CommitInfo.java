package dev.keel.storage.api;

import java.util.Objects;

/**
 * A committed version: its number, its commitment and the metadata committed with it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version the version number (0 is the empty store)
 * @param commitment the state commitment of that version
 * @param metadata the metadata committed atomically with that version
 */
public record CommitInfo(long version, Commitment commitment, CommitMetadata metadata) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the version is negative
     */
    public CommitInfo {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
        Objects.requireNonNull(commitment, "commitment");
        Objects.requireNonNull(metadata, "metadata");
    }
}
