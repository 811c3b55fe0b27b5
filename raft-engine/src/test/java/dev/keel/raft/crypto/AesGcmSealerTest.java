package dev.keel.raft.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.crypto.KeyExhaustedException;
import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.SealedRecordException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmSealerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] AAD = "log 7, entry 42".getBytes(StandardCharsets.US_ASCII);

    private static AesGcmSealer sealer(long limit) {
        return new AesGcmSealer(StaticKeyProvider.random(new SecureRandom(), 1, 2), limit);
    }

    @Test
    void opensTheGcmSpecificationsAes256TestCase14() {
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 14: a zero 256-bit key,
        // a zero 96-bit IV, 16 zero bytes of plaintext, no associated data.
        AesGcmSealer s = new AesGcmSealer(StaticKeyProvider.of(Map.of(1, new byte[32])));
        byte[] box = HEX.parseHex("000000000000000000000000" + "cea7403d4d606b6e074ec5d3baf39d18"
                + "d0d1c8a799996bf0265b98b5d48ab919");
        assertArrayEquals(new byte[16], s.open(1, new byte[0], box));
    }

    @Test
    void sealsWithAFreshNonceAndOpensOnlyWithTheSameKeyAndAssociatedData() {
        AesGcmSealer s = sealer(AesGcmSealer.DEFAULT_SEAL_LIMIT);
        byte[] plain = "canary value".getBytes(StandardCharsets.US_ASCII);
        byte[] a = s.seal(1, AAD, plain);
        byte[] b = s.seal(1, AAD, plain);
        assertEquals(plain.length + s.overhead(), a.length);
        assertFalse(Arrays.equals(a, b), "two seals of the same plaintext must differ (random nonces)");
        assertArrayEquals(plain, s.open(1, AAD, a));
        assertArrayEquals(plain, s.open(1, AAD, b));
        byte[] otherAad = AAD.clone();
        otherAad[otherAad.length - 1] ^= 1;
        assertThrows(SealedRecordException.class, () -> s.open(1, otherAad, a));
        assertThrows(SealedRecordException.class, () -> s.open(2, AAD, a));
        assertThrows(SealedRecordException.class, () -> s.open(1, AAD, Arrays.copyOf(a, a.length - 1)));
        assertThrows(SealedRecordException.class, () -> s.open(1, AAD, new byte[5]));
        AesGcmSealer otherKeys = sealer(AesGcmSealer.DEFAULT_SEAL_LIMIT);
        assertThrows(SealedRecordException.class, () -> otherKeys.open(1, AAD, a));
    }

    @Test
    void everySingleBitFlipOfABoxFailsToOpen() {
        AesGcmSealer s = sealer(AesGcmSealer.DEFAULT_SEAL_LIMIT);
        byte[] box = s.seal(1, AAD, "0123456789".getBytes(StandardCharsets.US_ASCII));
        for (int bit = 0; bit < box.length * 8; bit++) {
            byte[] flipped = box.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(SealedRecordException.class, () -> s.open(1, AAD, flipped), "bit " + bit);
        }
    }

    @Test
    void missingKeysAndExhaustedKeysAreTypedErrors() {
        AesGcmSealer s = sealer(3);
        assertThrows(KeyNotFoundException.class, () -> s.seal(9, AAD, new byte[1]));
        assertThrows(KeyNotFoundException.class, () -> s.open(9, AAD, new byte[40]));
        assertThrows(KeyNotFoundException.class, () -> s.seal(0, AAD, new byte[1]));
        for (int i = 0; i < 3; i++) {
            s.seal(1, AAD, new byte[1]);
        }
        assertThrows(KeyExhaustedException.class, () -> s.seal(1, AAD, new byte[1]));
        assertEquals(Map.of(1, 3L), s.sealCounts());
        s.seal(2, AAD, new byte[1]);
        assertEquals(Map.of(1, 3L, 2, 1L), s.sealCounts());
    }

    @Test
    void recoveredCountsOnlyRaiseAndCountTowardTheLimit() {
        AesGcmSealer s = sealer(10);
        s.seal(1, AAD, new byte[1]);
        s.raiseSealCounts(Map.of(1, 9L, 2, 4L));
        s.raiseSealCounts(Map.of(1, 2L));
        assertEquals(Map.of(1, 9L, 2, 4L), s.sealCounts());
        s.seal(1, AAD, new byte[1]);
        assertThrows(KeyExhaustedException.class, () -> s.seal(1, AAD, new byte[1]));
    }

    @Test
    void keyFilesRoundTripAndMalformedOnesAreRejected(@TempDir Path dir) throws Exception {
        Path written = StaticKeyProvider.writeRandomKey(dir, 3, new SecureRandom());
        assertTrue(Files.exists(written));
        StaticKeyProvider provider = StaticKeyProvider.fromDirectory(dir);
        assertEquals(java.util.Set.of(3), provider.ids());
        byte[] raw = HEX.parseHex(Files.readString(written).strip());
        assertArrayEquals(raw, provider.key(3).getEncoded());
        assertThrows(java.io.IOException.class, () -> StaticKeyProvider.writeRandomKey(dir, 3, new SecureRandom()));
        Files.writeString(dir.resolve("4.key"), "abcd\n");
        assertThrows(java.io.IOException.class, () -> StaticKeyProvider.fromDirectory(dir));
        assertThrows(KeyNotFoundException.class, () -> provider.key(4));
    }
}
