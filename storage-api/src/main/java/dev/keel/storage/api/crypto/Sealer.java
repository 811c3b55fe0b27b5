package dev.keel.storage.api.crypto;

/**
 * Authenticated encryption of log records and snapshot chunks.
 *
 * <p>A sealed box carries everything needed to open it except the key and the associated data:
 * the caller binds the record's identity (log id, record type, key id, index and term; for
 * snapshot chunks the snapshot index, chunk number and a last-chunk flag) as associated data, so a
 * box moved, reordered, truncated or replayed elsewhere fails to open.
 *
 * <p>Implementations are thread-safe.
 */
public interface Sealer {
    /** @return bytes a sealed box adds to its plaintext (nonce and tag) */
    int overhead();

    /**
     * @param keyId the key to seal with
     * @param associatedData bytes authenticated but not encrypted
     * @param plaintext the bytes to encrypt
     * @return the sealed box
     * @throws KeyNotFoundException if the key is not available
     * @throws KeyExhaustedException if the key reached its seal limit and must be rotated
     */
    byte[] seal(int keyId, byte[] associatedData, byte[] plaintext);

    /**
     * @param keyId the key the box was sealed with
     * @param associatedData the same associated data as when sealing
     * @param sealed the sealed box
     * @return the plaintext
     * @throws KeyNotFoundException if the key is not available
     * @throws SealedRecordException if the box fails authentication (tampered, moved, wrong key)
     */
    byte[] open(int keyId, byte[] associatedData, byte[] sealed);
}
