package dev.keel.raft.crypto;

import java.util.Map;

/**
 * A sealer that counts its seals per key, so that the per-key limit of random 96-bit nonces
 * survives restarts: the WAL writes {@link #sealCounts()} into every segment header and, on open,
 * hands the recovered counts back through {@link #raiseSealCounts}.
 *
 * <p>Implementations are thread-safe.
 */
public interface SealCounter {
    /** @return seals done so far per key id (a copy) */
    Map<Integer, Long> sealCounts();

    /**
     * Raises each key's count to at least the given value (counts never go down).
     *
     * @param counts recovered seals per key id
     */
    void raiseSealCounts(Map<Integer, Long> counts);
}
