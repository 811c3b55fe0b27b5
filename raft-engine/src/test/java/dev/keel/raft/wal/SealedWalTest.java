package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.crypto.AesGcmSealer;
import dev.keel.raft.crypto.StaticKeyProvider;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.KeyExhaustedException;
import dev.keel.storage.api.crypto.KeyNotFoundException;
import dev.keel.storage.api.crypto.KeyProvider;
import dev.keel.storage.api.crypto.SealedRecordException;
import dev.keel.storage.api.crypto.Sealer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Encryption at rest in the WAL. The CRC32C framing would catch a record an outsider moved or
 * edited; these tests play an attacker who also rewrites the framing (a sealer that writes a box
 * bound to the wrong place, or damaged, under valid CRCs), so only the AEAD stands in the way.
 */
class SealedWalTest {
    private static final KeyProvider KEYS = StaticKeyProvider.random(new SecureRandom(), 1, 2);
    private static final byte[] CANARY = "CANARY-7f3a9c-sealed".getBytes(StandardCharsets.US_ASCII);

    private static SegmentedLogStorage open(SimulatedDirectory dir, Sealer sealer) {
        return SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES).maxBatchBytes(2048)
                .sealer(sealer).open();
    }

    private static LogEntry entry(long index, String text) {
        return new LogEntry(index, 1, LogEntry.Type.NORMAL, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean anySegmentContains(SimulatedDirectory dir, byte[] needle) {
        for (String name : WalFixtures.segmentNames(dir)) {
            if (contains(dir.contents(name), needle)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void entriesAfterSealWithAreSealedOnDiskAndReadBackInClearAcrossReopen() {
        SimulatedDirectory dir = new SimulatedDirectory();
        String clear = "CLEAR-before-cutover";
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(KEYS))) {
            log.append(List.of(entry(1, clear))).join();
            log.sealWith(1);
            List<LogEntry> sealed = new ArrayList<>();
            for (int i = 2; i <= 60; i++) {
                sealed.add(new LogEntry(i, 1, i % 7 == 0 ? LogEntry.Type.CONFIG : LogEntry.Type.NORMAL, CANARY));
            }
            log.append(sealed).join();
            assertEquals(Set.of(1), log.keysInUse());
        }
        assertTrue(anySegmentContains(dir, clear.getBytes(StandardCharsets.US_ASCII)),
                "the cleartext entry before the cutover is in the file (so the search below can find plaintext)");
        assertTrue(WalFixtures.segmentNames(dir).size() > 1, "the sealed entries span several segments");
        assertTrue(!anySegmentContains(dir, CANARY), "a sealed payload appears in clear in a segment");
        AesGcmSealer reopened = new AesGcmSealer(KEYS);
        try (SegmentedLogStorage log = open(dir, reopened)) {
            List<LogEntry> all = log.entries(1, 61, Long.MAX_VALUE);
            assertEquals(clear, new String(all.get(0).payload(), StandardCharsets.US_ASCII));
            for (LogEntry e : all.subList(1, all.size())) {
                assertArrayEquals(CANARY, e.payload());
                assertEquals(e.index() % 7 == 0 ? LogEntry.Type.CONFIG : LogEntry.Type.NORMAL, e.type());
            }
            // Conservative: a header begun mid-batch already counts the batch's later seals.
            long counted = log.sealCounts().get(1);
            assertTrue(counted >= 59 && counted <= 2 * 59, "seals counted for key 1: " + counted);
            assertEquals(counted, reopened.sealCounts().get(1), "the sealer learns the counts from the segment headers");
        }
    }

    @Test
    void sealCountsSurviveRestartsSoAKeysLimitHoldsAcrossThem() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(KEYS, 10))) {
            log.sealWith(1);
            for (int i = 1; i <= 6; i++) {
                log.append(List.of(entry(i, "x" + i))).join();
            }
        }
        AesGcmSealer second = new AesGcmSealer(KEYS, 10);
        try (SegmentedLogStorage log = open(dir, second)) {
            assertEquals(6L, second.sealCounts().get(1));
            log.sealWith(1);
            for (int i = 7; i <= 10; i++) {
                log.append(List.of(entry(i, "x" + i))).join();
            }
            assertThrows(KeyExhaustedException.class, () -> log.append(List.of(entry(11, "x11"))));
            assertEquals(10, log.lastIndex(), "nothing was appended with an exhausted key");
            log.sealWith(2);
            log.append(List.of(entry(11, "x11"))).join();
            assertEquals(Set.of(1, 2), log.keysInUse());
        }
    }

    @Test
    void aSealedEntryOpenedWithoutASealerOrWithoutItsKeyIsATypedError() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(KEYS))) {
            log.sealWith(2);
            log.append(List.of(entry(1, "secret"))).join();
        }
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES).open()) {
            assertThrows(CryptoException.class, () -> log.entries(1, 2, Long.MAX_VALUE));
            assertThrows(IllegalStateException.class, () -> log.sealWith(1));
        }
        KeyProvider onlyKeyOne = id -> {
            if (id != 1) {
                throw new KeyNotFoundException(id);
            }
            return KEYS.key(1);
        };
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(onlyKeyOne))) {
            assertThrows(KeyNotFoundException.class, () -> log.entries(1, 2, Long.MAX_VALUE));
        }
        KeyProvider otherMaterial = StaticKeyProvider.random(new SecureRandom(), 1, 2);
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(otherMaterial))) {
            assertThrows(SealedRecordException.class, () -> log.entries(1, 2, Long.MAX_VALUE));
        }
    }

    @Test
    void boxesBoundToAnotherIndexTermLogOrTypeOrDamagedFailToOpenUnderValidFraming() {
        byte[] foreignLog = new byte[WalProto.LOG_ID_BYTES];
        foreignLog[0] = 1;
        Map<String, UnaryOperator<byte[]>> rebinds = Map.of(
                "moved from index 6", aad -> rebind(aad, 6, 1, null, null),
                "from another term", aad -> rebind(aad, 5, 2, null, null),
                "replayed from another log", aad -> rebind(aad, 5, 1, foreignLog, null),
                "relabelled as a config entry", aad -> rebind(aad, 5, 1, null, LogEntry.Type.CONFIG));
        for (Map.Entry<String, UnaryOperator<byte[]>> c : rebinds.entrySet()) {
            assertEntryFiveFails(c.getKey(), new Attacker(new AesGcmSealer(KEYS), c.getValue(), UnaryOperator.identity()));
        }
        Map<String, UnaryOperator<byte[]>> damages = Map.of(
                "tampered", box -> {
                    byte[] b = box.clone();
                    b[b.length / 2] ^= 0x20;
                    return b;
                },
                "truncated", box -> java.util.Arrays.copyOf(box, box.length - 1),
                "reordered (entry 4's box)", box -> Attacker.previousBox);
        for (Map.Entry<String, UnaryOperator<byte[]>> c : damages.entrySet()) {
            assertEntryFiveFails(c.getKey(), new Attacker(new AesGcmSealer(KEYS), UnaryOperator.identity(), c.getValue()));
        }
    }

    private static void assertEntryFiveFails(String what, Attacker attacker) {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = open(dir, attacker)) {
            log.sealWith(1);
            for (int i = 1; i <= 6; i++) {
                log.append(List.of(entry(i, "payload " + i))).join();
            }
        }
        try (SegmentedLogStorage log = open(dir, new AesGcmSealer(KEYS))) {
            assertEquals(4, log.entries(1, 5, Long.MAX_VALUE).size(), what + ": entries before the bad one still open");
            SealedRecordException e = assertThrows(SealedRecordException.class, () -> log.entries(5, 6, Long.MAX_VALUE), what);
            assertTrue(e.getMessage().contains("entry 5"), what + ": " + e.getMessage());
            assertEquals(1, log.entries(6, 7, Long.MAX_VALUE).size(), what + ": entries after it still open");
        }
    }

    /** AAD layout of {@code EntrySealing}: domain 8, log id 16, record type 1, entry type 1, key 4, index 8, term 8. */
    private static byte[] rebind(byte[] aad, long index, long term, byte[] logId, LogEntry.Type type) {
        ByteBuffer b = ByteBuffer.wrap(aad.clone());
        if (b.getLong(30) != 5) {
            return aad;
        }
        if (logId != null) {
            b.put(8, logId);
        }
        if (type != null) {
            b.put(25, (byte) type.ordinal());
        }
        b.putLong(30, index);
        b.putLong(38, term);
        return b.array();
    }

    /** Seals honestly except for entry 5, whose associated data or box it alters. */
    private static final class Attacker implements Sealer {
        static byte[] previousBox;
        private final Sealer honest;
        private final UnaryOperator<byte[]> aadChange;
        private final UnaryOperator<byte[]> boxChange;

        Attacker(Sealer honest, UnaryOperator<byte[]> aadChange, UnaryOperator<byte[]> boxChange) {
            this.honest = honest;
            this.aadChange = aadChange;
            this.boxChange = boxChange;
        }

        @Override
        public int overhead() {
            return honest.overhead();
        }

        @Override
        public byte[] seal(int keyId, byte[] aad, byte[] plaintext) {
            boolean five = ByteBuffer.wrap(aad).getLong(30) == 5;
            byte[] box = honest.seal(keyId, five ? aadChange.apply(aad) : aad, plaintext);
            if (five) {
                return boxChange.apply(box);
            }
            previousBox = box;
            return box;
        }

        @Override
        public byte[] open(int keyId, byte[] aad, byte[] sealed) {
            return honest.open(keyId, aad, sealed);
        }
    }
}
