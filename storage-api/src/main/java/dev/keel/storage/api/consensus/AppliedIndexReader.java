package dev.keel.storage.api.consensus;

import dev.keel.storage.api.CommitMetadata;
import java.util.Optional;

/**
 * Optional capability of a {@link StateMachine}: tells, at open, what its own durable state
 * reflects. It is what lets the cold-start gate skip restoring a snapshot the state already
 * covers.
 *
 * <p>The answer must be exactly what the durable state reflects (for a {@code VersionedStore},
 * the metadata committed atomically with its latest version) — never an in-memory counter.
 * Without this capability the gate restores the snapshot if there is one (FALLBACK
 * {@code not_reader}).
 *
 * <p>Called from the engine's thread: at open, before any entry is applied; and, by an engine
 * with encryption at rest, after replay and after a key rotation is applied, to learn the active
 * key from the metadata.
 */
public interface AppliedIndexReader {
    /**
     * @return the metadata of the latest durable state, whose {@code appliedIndex} and
     *     {@code appliedTerm} are the position it reflects; empty when the state records none
     *     (an empty state, or one written without consensus metadata)
     * @throws dev.keel.storage.api.KeelException if it cannot be read (the gate then restores when
     *     it safely can, or fails closed)
     */
    Optional<CommitMetadata> appliedMetadata();
}
