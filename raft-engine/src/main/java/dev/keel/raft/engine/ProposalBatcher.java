package dev.keel.raft.engine;

import java.util.List;

/**
 * How the engine's proposer packs concurrent proposals into log entries. Batching is decided
 * when an entry is written, so every replica applies the same entries whatever the local timing.
 * Implementations must be stateless and thread-safe.
 */
public interface ProposalBatcher {
    /**
     * Called on the proposing thread, so it may also validate the payload.
     *
     * @param payload a proposed payload
     * @return true when it may share an entry with other mergeable payloads
     * @throws dev.keel.storage.api.KeelException if the payload is invalid (the proposal is refused)
     */
    boolean mergeable(byte[] payload);

    /**
     * @param payloads two or more mergeable payloads in proposal order
     * @return one payload whose application equals applying them in order
     */
    byte[] merge(List<byte[]> payloads);

    /** @return a batcher that gives every proposal its own entry */
    static ProposalBatcher none() {
        return new ProposalBatcher() {
            @Override
            public boolean mergeable(byte[] payload) {
                return false;
            }

            @Override
            public byte[] merge(List<byte[]> payloads) {
                throw new UnsupportedOperationException("nothing is mergeable");
            }
        };
    }
}
