package dev.keel.storage.api.crypto;

import javax.crypto.SecretKey;

/**
 * Supplies the key material for encryption at rest, by key id. The active key id is chosen through
 * the log (a rotation entry) and recorded in each version's metadata; the provider only answers
 * "which bytes belong to id n". A key must stay available while any WAL segment or snapshot still
 * uses it.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyProvider {
    /**
     * @param keyId a key id, at least 1
     * @return the 256-bit AES key with that id
     * @throws KeyNotFoundException if the provider does not hold it (apply stops; never a
     *     plaintext fallback)
     */
    SecretKey key(int keyId);
}
