package dev.keel.storage.flatkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decoders of flatkv's own on-disk records against arbitrary bytes: they return a value or
 * throw {@link IllegalArgumentException} (which the store turns into a {@code CorruptionException}
 * naming the directory), never anything else and never an allocation sized by an unchecked length.
 * Valid encodings round-trip. Targets: version records and history chunks.
 */
class DecoderFuzzTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    @FuzzTest(maxDuration = "30s")
    void decodersRejectArbitraryBytesWithTypedErrors(byte[] input) {
        decodeAll(input);
    }

    @Test
    void decodersRejectRandomAndMutatedRecordsWithTypedErrors() {
        System.out.println("DecoderFuzzTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] valid = sample().encode();
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            } else {
                bytes = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextBoolean()) {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
            decodeAll(bytes);
        }
    }

    @Test
    void versionRecordRoundTrips() {
        VersionRecord record = sample();
        VersionRecord decoded = VersionRecord.decode(record.encode());
        assertArrayEquals(record.lanes(), decoded.lanes());
        assertEquals(record.keyCount(), decoded.keyCount());
        assertEquals(record.metadata(), decoded.metadata());
    }

    @Test
    void historyChunksRoundTrip() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 200; i++) {
            List<History.Prior> priors = new java.util.ArrayList<>();
            int n = random.nextInt(50);
            for (int j = 0; j < n; j++) {
                byte[] value = null;
                if (random.nextBoolean()) {
                    value = new byte[random.nextInt(40)];
                    random.nextBytes(value);
                }
                priors.add(new History.Prior(randomKey(random), value));
            }
            List<History.Prior> decoded = new java.util.ArrayList<>();
            for (byte[] chunk : History.encode(priors)) {
                decoded.addAll(History.decode(chunk));
            }
            assertEquals(priors.size(), decoded.size());
            for (int j = 0; j < n; j++) {
                assertArrayEquals(priors.get(j).key(), decoded.get(j).key());
                assertArrayEquals(priors.get(j).before(), decoded.get(j).before());
            }
        }
    }

    @Test
    void largeHistoriesSplitIntoBoundedChunks() {
        List<History.Prior> priors = new java.util.ArrayList<>();
        for (int j = 0; j < 3_000; j++) {
            priors.add(new History.Prior(new byte[] {(byte) j, (byte) (j >>> 8)}, new byte[1024]));
        }
        List<byte[]> chunks = History.encode(priors);
        assertTrue(chunks.size() >= 2, "3 MiB of history must not be one value");
        for (byte[] chunk : chunks) {
            assertTrue(chunk.length < History.CHUNK_BYTES + 2048, "chunk of " + chunk.length + " bytes");
        }
    }

    private static byte[] randomKey(SplittableRandom random) {
        byte[] k = new byte[1 + random.nextInt(6)];
        for (int j = 0; j < k.length; j++) {
            // Mostly 0x00, 0x01 and 0xFF: the bytes the escaping treats specially.
            int pick = random.nextInt(4);
            k[j] = (byte) (pick == 0 ? 0 : pick == 1 ? 1 : pick == 2 ? 0xFF : random.nextInt(256));
        }
        return k;
    }

    private static VersionRecord sample() {
        byte[] lanes = new byte[VersionRecord.LANE_BYTES];
        new SplittableRandom(1).nextBytes(lanes);
        return new VersionRecord(lanes, 12345, new CommitMetadata(9, 2, 77, 5, 3,
                new Membership(List.of("n1", "n2"), List.of("n3")), new byte[] {1, 2, 3}));
    }

    private static void decodeAll(byte[] input) {
        try {
            assertNotNull(VersionRecord.decode(input));
        } catch (IllegalArgumentException expected) {
            // the typed rejection
        }
        try {
            List<History.Prior> priors = History.decode(input);
            List<byte[]> encoded = History.encode(priors);
            byte[] joined = new byte[encoded.stream().mapToInt(c -> c.length).sum()];
            int off = 0;
            for (byte[] c : encoded) {
                System.arraycopy(c, 0, joined, off, c.length);
                off += c.length;
            }
            assertArrayEquals(input, joined, "a decoded history chunk re-encodes to its input");
        } catch (IllegalArgumentException expected) {
            // the typed rejection
        }
    }
}
