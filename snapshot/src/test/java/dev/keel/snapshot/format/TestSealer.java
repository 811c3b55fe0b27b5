package dev.keel.snapshot.format;

import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.SealedRecordException;
import dev.keel.storage.api.crypto.Sealer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A trivial, NOT secure sealer for tests: XORs the plaintext with the key id and appends an 8-byte
 * SHA-256 tag over (key id, associated data, ciphertext). It authenticates like a real AEAD, which
 * is all the snapshot format relies on.
 */
public final class TestSealer implements Sealer {
    public static final int OVERHEAD = 8;
    private final int knownKey;

    public TestSealer(int knownKey) {
        this.knownKey = knownKey;
    }

    @Override
    public int overhead() {
        return OVERHEAD;
    }

    @Override
    public byte[] seal(int keyId, byte[] associatedData, byte[] plaintext) {
        requireKey(keyId);
        byte[] out = Arrays.copyOf(plaintext, plaintext.length + OVERHEAD);
        for (int i = 0; i < plaintext.length; i++) {
            out[i] ^= (byte) keyId;
        }
        System.arraycopy(tag(keyId, associatedData, out, plaintext.length), 0, out, plaintext.length, OVERHEAD);
        return out;
    }

    @Override
    public byte[] open(int keyId, byte[] associatedData, byte[] sealed) {
        requireKey(keyId);
        if (sealed.length < OVERHEAD) {
            throw new SealedRecordException("box of " + sealed.length + " bytes is shorter than its tag", null);
        }
        int n = sealed.length - OVERHEAD;
        byte[] expected = tag(keyId, associatedData, sealed, n);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(sealed, n, sealed.length))) {
            throw new SealedRecordException("tag mismatch for key " + keyId, null);
        }
        byte[] plain = Arrays.copyOf(sealed, n);
        for (int i = 0; i < n; i++) {
            plain[i] ^= (byte) keyId;
        }
        return plain;
    }

    private void requireKey(int keyId) {
        if (keyId != knownKey) {
            throw new KeyNotFoundException(keyId);
        }
    }

    private static byte[] tag(int keyId, byte[] aad, byte[] cipher, int n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putInt(keyId).putInt(aad.length).array());
            sha.update(aad);
            sha.update(cipher, 0, n);
            return Arrays.copyOf(sha.digest(), OVERHEAD);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
