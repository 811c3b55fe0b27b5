package dev.keel.raft.crypto;

import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.KeyExhaustedException;
import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.KeyProvider;
import dev.keel.storage.api.crypto.SealedRecordException;
import dev.keel.storage.api.crypto.Sealer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM from the JDK ({@code AES/GCM/NoPadding}, which uses AES-NI where the CPU has it)
 * behind {@link Sealer}: a box is {@code nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)}, with a
 * fresh random nonce per seal. Random 96-bit nonces stay safe for 2^32 seals per key, so each
 * key's seals are counted and a key that reached the limit refuses to seal
 * ({@link KeyExhaustedException}) until the log rotates to a new one.
 *
 * <p>Thread-safe: each thread has its own {@link Cipher}.
 */
public final class AesGcmSealer implements Sealer, SealCounter {
    /** Nonce length in bytes (96 bits, the GCM standard size). */
    public static final int NONCE_BYTES = 12;
    /** Tag length in bytes (128 bits). */
    public static final int TAG_BYTES = 16;
    /** Seals allowed per key with random 96-bit nonces (NIST SP 800-38D, section 8.3). */
    public static final long DEFAULT_SEAL_LIMIT = 1L << 32;

    private final KeyProvider keys;
    private final long sealLimit;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, AtomicLong> counts = new ConcurrentHashMap<>();
    /** Keys the provider gave and that passed the checks, by id (key material never changes under an id). */
    private final Map<Integer, SecretKey> checked = new ConcurrentHashMap<>();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(AesGcmSealer::newCipher);

    /** @param keys where the key material comes from */
    public AesGcmSealer(KeyProvider keys) {
        this(keys, DEFAULT_SEAL_LIMIT);
    }

    /**
     * @param keys where the key material comes from
     * @param sealLimit seals allowed per key, at least 1 and at most {@link #DEFAULT_SEAL_LIMIT}
     *     (lower it to rotate earlier, or in tests)
     */
    public AesGcmSealer(KeyProvider keys, long sealLimit) {
        this.keys = Objects.requireNonNull(keys, "keys");
        if (sealLimit < 1 || sealLimit > DEFAULT_SEAL_LIMIT) {
            throw new IllegalArgumentException("seal limit must be 1.." + DEFAULT_SEAL_LIMIT + ": " + sealLimit);
        }
        this.sealLimit = sealLimit;
    }

    @Override
    public int overhead() {
        return NONCE_BYTES + TAG_BYTES;
    }

    @Override
    public byte[] seal(int keyId, byte[] associatedData, byte[] plaintext) {
        Objects.requireNonNull(associatedData, "associatedData");
        Objects.requireNonNull(plaintext, "plaintext");
        SecretKey key = key(keyId);
        AtomicLong count = counts.computeIfAbsent(keyId, k -> new AtomicLong());
        long n;
        do {
            n = count.get();
            if (n >= sealLimit) {
                throw new KeyExhaustedException(keyId, n);
            }
        } while (!count.compareAndSet(n, n + 1));
        byte[] box = new byte[NONCE_BYTES + plaintext.length + TAG_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, box, 0, NONCE_BYTES);
        Cipher cipher = ciphers.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associatedData);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, box, NONCE_BYTES);
            if (written != plaintext.length + TAG_BYTES) {
                throw new CryptoException("AES-GCM wrote " + written + " bytes for " + plaintext.length + " with key " + keyId);
            }
            return box;
        } catch (GeneralSecurityException e) {
            throw new CryptoException("sealing with key " + keyId + " failed", e);
        }
    }

    @Override
    public byte[] open(int keyId, byte[] associatedData, byte[] sealed) {
        Objects.requireNonNull(associatedData, "associatedData");
        Objects.requireNonNull(sealed, "sealed");
        SecretKey key = key(keyId);
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new SealedRecordException("sealed box of " + sealed.length + " bytes is shorter than its nonce and tag "
                    + "(key " + keyId + ")", null);
        }
        Cipher cipher = ciphers.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedRecordException("sealed box fails authentication with key " + keyId
                    + " (tampered, moved, replayed or a wrong key)", e);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("opening with key " + keyId + " failed", e);
        }
    }

    @Override
    public Map<Integer, Long> sealCounts() {
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void raiseSealCounts(Map<Integer, Long> recovered) {
        recovered.forEach((k, v) -> counts.computeIfAbsent(k, x -> new AtomicLong()).accumulateAndGet(v, Math::max));
    }

    /** @return the per-key seal limit */
    public long sealLimit() {
        return sealLimit;
    }

    private SecretKey key(int keyId) {
        SecretKey known = checked.get(keyId);
        return known != null ? known : checkedKey(keyId);
    }

    /** Asks the provider once per id and checks the key; a missing key is asked for again next time. */
    private SecretKey checkedKey(int keyId) {
        if (keyId <= 0) {
            throw new KeyNotFoundException(keyId);
        }
        SecretKey key = keys.key(keyId);
        if (key == null) {
            throw new KeyNotFoundException(keyId);
        }
        if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || key.getEncoded() == null || key.getEncoded().length != 32) {
            throw new CryptoException("key " + keyId + " is not a 256-bit AES key");
        }
        checked.put(keyId, key);
        return key;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the JDK provides no AES/GCM/NoPadding", e);
        }
    }
}
