package dev.keel.storage.api.crypto;

/** The key provider does not hold a key that a record needs. Immutable and thread-safe. */
public class KeyNotFoundException extends CryptoException {
    private static final long serialVersionUID = 1L;

    /** @param keyId the missing key id */
    public KeyNotFoundException(int keyId) {
        super("encryption key " + keyId + " is not available");
    }
}
