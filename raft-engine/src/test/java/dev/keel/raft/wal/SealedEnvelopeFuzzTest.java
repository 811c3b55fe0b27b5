package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.raft.crypto.AesGcmSealer;
import dev.keel.raft.crypto.StaticKeyProvider;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.crypto.SealedRecordException;
import dev.keel.storage.api.crypto.Sealer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sealed envelopes against arbitrary bytes: a box that is not what the key sealed for this place
 * fails to open with {@link SealedRecordException} — opened directly, or stored as a WAL entry under
 * valid framing and read back through the log. Never another exception, never plaintext. The
 * committed corpus runs in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SealedEnvelopeFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());
    /** Fixed key material, so corpus files mean the same thing in every run. */
    private static final AesGcmSealer SEALER = new AesGcmSealer(StaticKeyProvider.of(Map.of(1, fixedKey())));
    private static final byte[] PLAINTEXT = "sealed entry payload".getBytes(StandardCharsets.US_ASCII);

    private static byte[] fixedKey() {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (i * 7 + 3);
        }
        return k;
    }

    @FuzzTest(maxDuration = "30s")
    void arbitraryBoxesFailToOpenWithATypedError(byte[] input) {
        check(input);
    }

    @Test
    void randomAndMutatedBoxesFailToOpenWithATypedError() {
        System.out.println("SealedEnvelopeFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] aad = EntrySealing.associatedData(new byte[WalProto.LOG_ID_BYTES], LogEntry.Type.NORMAL, 1, 1, 1);
        byte[] valid = SEALER.seal(1, aad, PLAINTEXT);
        for (int i = 0; i < 300; i++) {
            byte[] box;
            if (i % 3 == 0) {
                box = new byte[random.nextInt(80)];
                random.nextBytes(box);
            } else {
                box = valid.clone();
                box[random.nextInt(box.length)] ^= (byte) (1 << random.nextInt(8));
                if (random.nextBoolean()) {
                    box = Arrays.copyOf(box, random.nextInt(box.length + 1));
                }
            }
            check(box);
        }
    }

    @Test
    void theSameBoxUnalteredOpens() {
        byte[] aad = EntrySealing.associatedData(new byte[WalProto.LOG_ID_BYTES], LogEntry.Type.NORMAL, 1, 1, 1);
        assertArrayEquals(PLAINTEXT, SEALER.open(1, aad, SEALER.seal(1, aad, PLAINTEXT)),
                "the property above is not vacuous: an untouched box does open");
    }

    /** A forged box opens neither directly nor as entry 1 of a log whose framing is valid. */
    private static void check(byte[] box) {
        byte[] aad = EntrySealing.associatedData(new byte[WalProto.LOG_ID_BYTES], LogEntry.Type.NORMAL, 1, 1, 1);
        assertThrows(SealedRecordException.class, () -> SEALER.open(1, aad, box));
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES)
                .sealer(new Forger(box)).open()) {
            log.sealWith(1);
            log.append(List.of(new LogEntry(1, 1, LogEntry.Type.NORMAL, PLAINTEXT))).join();
        }
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES)
                .sealer(SEALER).open()) {
            assertThrows(SealedRecordException.class, () -> log.entries(1, 2, Long.MAX_VALUE));
        }
    }

    /** Writes the given bytes as the box, whatever it is asked to seal. */
    private record Forger(byte[] box) implements Sealer {
        @Override
        public int overhead() {
            return SEALER.overhead();
        }

        @Override
        public byte[] seal(int keyId, byte[] associatedData, byte[] plaintext) {
            return box.clone();
        }

        @Override
        public byte[] open(int keyId, byte[] associatedData, byte[] sealed) {
            return SEALER.open(keyId, associatedData, sealed);
        }
    }
}
