package dev.keel.storage.flatkv.lthash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Blake3XofTest {

    private static final int[] BOUNDARY_LENGTHS = {
        0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1015, 1016, 1017, 1023, 1024, 1025,
        2047, 2048, 2049, 3072, 3073, 4096, 4097, 5121, 8192, 8193, 16384, 16385, 31745
    };

    private final Blake3Xof blake3 = new Blake3Xof();

    @Test
    void matchesEveryOfficialHashModeVector() {
        List<Vectors.Blake3Case> cases = Vectors.officialBlake3Cases();
        assertEquals(35, cases.size(), "hash-mode cases in blake3_test_vectors.json");
        for (Vectors.Blake3Case c : cases) {
            byte[] input = Vectors.officialInput(c.inputLength());
            byte[] expected = c.extendedHash();
            byte[] extended = new byte[expected.length];
            blake3.xof(input, 0, input.length, extended, 0, extended.length);
            assertEquals(Vectors.hex(expected), Vectors.hex(extended), "extended output, input_len " + c.inputLength());
            // 131 bytes take the one-block-at-a-time output path; a full 2,048-byte output takes
            // the side-by-side path, and must start with the same bytes.
            byte[] full = new byte[Blake3Xof.MAX_OUTPUT_BYTES];
            blake3.xof(input, 0, input.length, full, 0, full.length);
            assertEquals(Vectors.hex(expected), Vectors.hex(Arrays.copyOf(full, expected.length)),
                    "prefix of the 2,048-byte output, input_len " + c.inputLength());
            assertArrayEquals(Arrays.copyOf(expected, 32), blake3.hash(input), "hash, input_len " + c.inputLength());
        }
    }

    @Test
    void matchesBouncyCastleOnRandomInputs() {
        long seed = TestSeeds.seed("matchesBouncyCastleOnRandomInputs");
        SplittableRandom random = new SplittableRandom(seed);
        int[] lengths = new int[200 + BOUNDARY_LENGTHS.length];
        System.arraycopy(BOUNDARY_LENGTHS, 0, lengths, 0, BOUNDARY_LENGTHS.length);
        for (int i = BOUNDARY_LENGTHS.length; i < lengths.length; i++) {
            lengths[i] = random.nextInt(3001);
        }
        byte[] out = new byte[2048];
        for (int length : lengths) {
            byte[] input = randomBytes(random, length);
            blake3.xof(input, 0, length, out, 0, 2048);
            assertArrayEquals(BouncyCastleReference.xof(input, 2048), out, "seed " + seed + ", length " + length);
            assertArrayEquals(BouncyCastleReference.hash(input), blake3.hash(input), "seed " + seed + ", length " + length);
        }
    }

    @Test
    void shorterOutputIsAPrefixOfTheFullOutput() {
        long seed = TestSeeds.seed("shorterOutputIsAPrefixOfTheFullOutput");
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100; i++) {
            byte[] input = randomBytes(random, random.nextInt(2100));
            int outLen = random.nextInt(2049);
            byte[] out = new byte[outLen];
            blake3.xof(input, 0, input.length, out, 0, outLen);
            assertArrayEquals(BouncyCastleReference.xof(input, outLen), out, "seed " + seed + ", outLen " + outLen);
        }
    }

    @Test
    void hashesOnlyTheGivenRangeAndWritesOnlyTheGivenRange() {
        byte[] data = Vectors.officialInput(3000);
        byte[] out = new byte[2100];
        Arrays.fill(out, (byte) 0x5A);
        blake3.xof(data, 7, 1500, out, 13, 2048);
        byte[] expected = BouncyCastleReference.xof(Arrays.copyOfRange(data, 7, 1507), 2048);
        assertArrayEquals(expected, Arrays.copyOfRange(out, 13, 13 + 2048));
        for (int i = 0; i < 13; i++) {
            assertEquals((byte) 0x5A, out[i], "byte before the output range");
        }
        for (int i = 13 + 2048; i < out.length; i++) {
            assertEquals((byte) 0x5A, out[i], "byte after the output range");
        }
    }

    @Test
    void elementHashIsTheXofOfTheLengthPrefixedSerialisation() {
        long seed = TestSeeds.seed("elementHashIsTheXofOfTheLengthPrefixedSerialisation");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = new byte[2048];
        for (int i = 0; i < 150; i++) {
            // Lengths straddle the 1,024-byte chunk boundary once the 8 prefix bytes are added.
            byte[] key = randomBytes(random, i < 10 ? i : random.nextInt(1100));
            byte[] value = randomBytes(random, i < 20 ? 0 : random.nextInt(2100));
            blake3.elementHash(key, value, out, 0);
            assertArrayEquals(BouncyCastleReference.elementHash(key, value), out,
                    "seed " + seed + ", key " + key.length + " B, value " + value.length + " B");
        }
    }

    @Test
    void accumulatorAddsAndSubtractsTheElementHashLaneByLane() {
        long seed = TestSeeds.seed("accumulatorAddsAndSubtractsTheElementHashLaneByLane");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            byte[] key = randomBytes(random, random.nextInt(100));
            byte[] value = randomBytes(random, random.nextInt(2100));
            byte[] bytes = BouncyCastleReference.elementHash(key, value);
            int[] slots = new int[1024];
            int[] start = new int[1024];
            for (int i = 0; i < slots.length; i++) {
                start[i] = random.nextInt();
                slots[i] = start[i];
            }
            blake3.accumulateElementHash(key, value, false, slots);
            for (int lane = 0; lane < 1024; lane++) {
                int expected = (bytes[2 * lane] & 0xFF) | (bytes[2 * lane + 1] & 0xFF) << 8;
                int slot = Blake3Xof.slotOf(lane);
                assertEquals((start[slot] + expected) & 0xFFFF, slots[slot] & 0xFFFF,
                        "seed " + seed + ", lane " + lane);
            }
            blake3.accumulateElementHash(key, value, true, slots);
            for (int i = 0; i < 1024; i++) {
                assertEquals(start[i] & 0xFFFF, slots[i] & 0xFFFF, "seed " + seed + ", slot " + i);
            }
        }
    }

    @Test
    void naturalOrderAccumulatorAddsAndSubtractsTheElementHashAsLittleEndianLanes() {
        long seed = TestSeeds.seed("naturalOrderAccumulatorAddsAndSubtractsTheElementHashAsLittleEndianLanes");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            byte[] key = randomBytes(random, random.nextInt(100));
            byte[] value = randomBytes(random, random.nextInt(2100));
            byte[] bytes = BouncyCastleReference.elementHash(key, value);
            // Longer than 1,024 on purpose: elements past the lanes must stay untouched.
            int[] lanes = new int[1030];
            int[] start = new int[1030];
            for (int i = 0; i < lanes.length; i++) {
                start[i] = random.nextInt();
                lanes[i] = start[i];
            }
            blake3.addElementHash(key, value, lanes);
            for (int i = 0; i < 1024; i++) {
                int lane = (bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] & 0xFF) << 8;
                assertEquals((start[i] + lane) & 0xFFFF, lanes[i] & 0xFFFF, "seed " + seed + ", lane " + i);
            }
            for (int i = 1024; i < lanes.length; i++) {
                assertEquals(start[i], lanes[i], "element past the lanes");
            }
            blake3.subtractElementHash(key, value, lanes);
            for (int i = 0; i < 1024; i++) {
                assertEquals(start[i] & 0xFFFF, lanes[i] & 0xFFFF, "seed " + seed + ", lane " + i);
            }
        }
    }

    @Test
    void slotOrderIsAPermutationOfTheLanes() {
        boolean[] used = new boolean[1024];
        for (int lane = 0; lane < 1024; lane++) {
            int slot = Blake3Xof.slotOf(lane);
            assertTrue(slot >= 0 && slot < 1024 && !used[slot], "lane " + lane + " -> slot " + slot);
            used[slot] = true;
        }
    }

    @Test
    void hashesTheLargestEntryAStoreAccepts() {
        // 64 KiB key and 16 MiB value: 16,449 chunks, a deep and unbalanced tree.
        SplittableRandom random = new SplittableRandom(42);
        byte[] key = randomBytes(random, 64 * 1024);
        byte[] value = randomBytes(random, 16 * 1024 * 1024);
        byte[] out = new byte[2048];
        blake3.elementHash(key, value, out, 0);
        byte[] serialised = BouncyCastleReference.serialise(key, value);
        assertEquals(16 * 1024 * 1024 + 64 * 1024 + 8, serialised.length);
        assertArrayEquals(BouncyCastleReference.xof(serialised, 2048), out);
        assertArrayEquals(BouncyCastleReference.hash(serialised), blake3.hash(serialised));
    }

    @Test
    void reusingAnInstanceAfterALongInputGivesTheSameResultAsAFreshOne() {
        byte[] longInput = Vectors.officialInput(100_000);
        byte[] shortInput = Vectors.officialInput(10);
        byte[] first = new byte[2048];
        blake3.xof(shortInput, 0, shortInput.length, first, 0, 2048);
        blake3.hash(longInput);
        byte[] again = new byte[2048];
        blake3.xof(shortInput, 0, shortInput.length, again, 0, 2048);
        assertArrayEquals(first, again);
        byte[] fresh = new byte[2048];
        new Blake3Xof().xof(shortInput, 0, shortInput.length, fresh, 0, 2048);
        assertArrayEquals(fresh, again);
    }

    @Test
    void rejectsOutputLongerThanTheElementHash() {
        byte[] out = new byte[4096];
        assertThrows(IllegalArgumentException.class, () -> blake3.xof(new byte[1], 0, 1, out, 0, 2049));
        assertThrows(IllegalArgumentException.class, () -> blake3.xof(new byte[1], 0, 1, out, 0, -1));
    }

    @Test
    void rejectsRangesOutsideTheArrays() {
        byte[] out = new byte[2048];
        assertThrows(IndexOutOfBoundsException.class, () -> blake3.xof(new byte[4], 2, 3, out, 0, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> blake3.xof(new byte[4], 0, 4, out, 2017, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> blake3.elementHash(new byte[1], new byte[1], out, 1));
    }

    @Test
    void rejectsAnAccumulatorOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class,
                () -> blake3.addElementHash(new byte[1], new byte[1], new int[1023]));
        assertThrows(IllegalArgumentException.class,
                () -> blake3.subtractElementHash(new byte[1], new byte[1], new int[1023]));
        assertThrows(IllegalArgumentException.class,
                () -> blake3.accumulateElementHash(new byte[1], new byte[1], false, new int[1023]));
    }

    static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
