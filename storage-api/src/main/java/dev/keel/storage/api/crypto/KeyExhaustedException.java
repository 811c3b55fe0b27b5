package dev.keel.storage.api.crypto;

/**
 * A key reached its seal limit (random 96-bit nonces: 2^32 seals per key); rotate before sealing
 * more. Immutable and thread-safe.
 */
public class KeyExhaustedException extends CryptoException {
    private static final long serialVersionUID = 1L;

    /**
     * @param keyId the exhausted key
     * @param seals how many seals it has done
     */
    public KeyExhaustedException(int keyId, long seals) {
        super("encryption key " + keyId + " reached its seal limit after " + seals + " seals; rotate the key");
    }
}
