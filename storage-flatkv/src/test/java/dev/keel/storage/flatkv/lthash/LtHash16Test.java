package dev.keel.storage.flatkv.lthash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LtHash16Test {

    private static final String ZERO_CHECKSUM = "be2a8de3dcf46c94ce85cdc8e07ac308f4d8a95490d956c38d780fd610db0813";

    private record Entry(byte[] key, byte[] value) {
    }

    // ---- known answers (lthash_vectors.json, Sei's construction) ----

    @Test
    void matchesEverySeiKnownAnswer() {
        List<String> names = Vectors.ltHashCaseNames();
        List<String> covered = new ArrayList<>();

        LtHash16 zero = new LtHash16();
        assertCase("zero", zero, covered);

        LtHash16 single = new LtHash16();
        single.add(utf8("key"), utf8("value"));
        assertCase("{key:value}", single, covered);

        LtHash16 two = new LtHash16();
        two.add(utf8("key1"), utf8("value1"));
        two.add(utf8("key2"), utf8("value2"));
        assertCase("{key1:value1,key2:value2}", two, covered);

        LtHash16 updated = two.copy();
        updated.remove(utf8("key1"), utf8("value1"));
        updated.add(utf8("key1"), utf8("value2"));
        assertCase("update key1 value1->value2 on prev", updated, covered);

        // "prev" here is the two-pair state, not the updated one: the expected state is
        // {key1:value1} (lthash-basic's version 3 is the other reading, {key1:value2}).
        LtHash16 deleted = two.copy();
        deleted.remove(utf8("key2"), utf8("value2"));
        assertCase("delete key2 from prev", deleted, covered);

        byte[] key = new byte[512];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        byte[] value = new byte[300];
        Arrays.fill(value, (byte) 0xAB);
        LtHash16 large = new LtHash16();
        large.add(key, value);
        assertCase("key=bytes(0..255)*2 (512B), value=0xab*300", large, covered);

        // Every case in the file is non-empty in key and value, so Sei's skip rule never applies;
        // a case added later must be added here too rather than go unchecked.
        assertEquals(names, covered, "cases in lthash_vectors.json");
    }

    private static void assertCase(String name, LtHash16 actual, List<String> covered) {
        Vectors.LtHashCase expected = Vectors.ltHashCase(name);
        assertEquals(Vectors.hex(expected.marshalFull()), Vectors.hex(actual.toBytes()), name + ": marshal_full");
        assertEquals(Vectors.hex(expected.checksum()), Vectors.hex(actual.checksum()), name + ": checksum");
        LtHash16 reread = LtHash16.fromBytes(expected.marshalFull());
        assertEquals(actual, reread, name + ": fromBytes");
        assertArrayEquals(expected.checksum(), reread.checksum(), name + ": checksum after fromBytes");
        covered.add(name);
    }

    @Test
    void zeroHasTheChecksumOfTwoKibibytesOfZeros() {
        LtHash16 zero = new LtHash16();
        assertTrue(zero.isZero());
        assertEquals(ZERO_CHECKSUM, Vectors.hex(zero.checksum()));
        assertArrayEquals(BouncyCastleReference.hash(new byte[2048]), zero.checksum());
    }

    // ---- Keel's rule: an empty value is a real value (Sei would skip it) ----

    @Test
    void emptyValueContributesTheHashOfItsSerialisation() {
        byte[] key = utf8("key");
        LtHash16 h = new LtHash16();
        h.add(key, new byte[0]);

        byte[] expected = new byte[2048];
        BouncyCastleReference.apply(expected, key, new byte[0], 1);
        assertArrayEquals(expected, h.toBytes());
        // Serialisation: u32le(3) "key" u32le(0).
        assertEquals("030000006b657900000000", Vectors.hex(BouncyCastleReference.serialise(key, new byte[0])));
        assertArrayEquals(BouncyCastleReference.hash(expected), h.checksum());
        assertFalse(h.isZero(), "an empty value must not look like an absent key");
        assertNotEquals(ZERO_CHECKSUM, Vectors.hex(h.checksum()));
    }

    @Test
    void emptyValueAndAbsentKeyAndEmptyKeyAllDiffer() {
        LtHash16 emptyValue = new LtHash16();
        emptyValue.add(utf8("k"), new byte[0]);
        LtHash16 emptyKey = new LtHash16();
        emptyKey.add(new byte[0], utf8("k"));
        LtHash16 bothEmpty = new LtHash16();
        bothEmpty.add(new byte[0], new byte[0]);

        byte[] expectedBothEmpty = new byte[2048];
        BouncyCastleReference.apply(expectedBothEmpty, new byte[0], new byte[0], 1);
        assertArrayEquals(expectedBothEmpty, bothEmpty.toBytes());
        assertNotEquals(emptyValue, emptyKey, "the length prefixes separate key from value");
        assertFalse(bothEmpty.isZero());
        emptyValue.remove(utf8("k"), new byte[0]);
        assertTrue(emptyValue.isZero());
    }

    // ---- algebra, with a seeded generator ----

    @Test
    void addingThenRemovingEveryEntryInAnyOrderReturnsToZero() {
        long seed = TestSeeds.seed("addingThenRemovingEveryEntryInAnyOrderReturnsToZero");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            List<Entry> entries = randomEntries(random, 1 + random.nextInt(40));
            LtHash16 h = new LtHash16();
            entries.forEach(e -> h.add(e.key(), e.value()));
            assertFalse(h.isZero(), "seed " + seed);
            Collections.shuffle(entries, new Random(random.nextLong()));
            entries.forEach(e -> h.remove(e.key(), e.value()));
            assertTrue(h.isZero(), "seed " + seed + ", round " + round);
            assertEquals(ZERO_CHECKSUM, Vectors.hex(h.checksum()), "seed " + seed);
        }
    }

    @Test
    void resultDoesNotDependOnTheOrderOfAdditions() {
        long seed = TestSeeds.seed("resultDoesNotDependOnTheOrderOfAdditions");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            List<Entry> entries = randomEntries(random, 2 + random.nextInt(40));
            LtHash16 inOrder = new LtHash16();
            entries.forEach(e -> inOrder.add(e.key(), e.value()));
            Collections.shuffle(entries, new Random(random.nextLong()));
            LtHash16 shuffled = new LtHash16();
            entries.forEach(e -> shuffled.add(e.key(), e.value()));
            assertArrayEquals(inOrder.toBytes(), shuffled.toBytes(), "seed " + seed + ", round " + round);
            assertArrayEquals(inOrder.checksum(), shuffled.checksum(), "seed " + seed);
        }
    }

    @Test
    void updateIsRemovalOfTheOldEntryPlusAdditionOfTheNew() {
        long seed = TestSeeds.seed("updateIsRemovalOfTheOldEntryPlusAdditionOfTheNew");
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            List<Entry> others = randomEntries(random, random.nextInt(20));
            byte[] key = Blake3XofTest.randomBytes(random, 1 + random.nextInt(64));
            byte[] oldValue = Blake3XofTest.randomBytes(random, random.nextInt(300));
            byte[] newValue = Blake3XofTest.randomBytes(random, random.nextInt(300));

            LtHash16 updated = new LtHash16();
            others.forEach(e -> updated.add(e.key(), e.value()));
            updated.add(key, oldValue);
            updated.remove(key, oldValue);
            updated.add(key, newValue);

            LtHash16 fresh = new LtHash16();
            fresh.add(key, newValue);
            others.forEach(e -> fresh.add(e.key(), e.value()));
            assertEquals(fresh, updated, "seed " + seed + ", round " + round);
            assertArrayEquals(fresh.checksum(), updated.checksum(), "seed " + seed);
        }
    }

    @Test
    void matchesTheBouncyCastleModelOverRandomAddsAndRemoves() {
        long seed = TestSeeds.seed("matchesTheBouncyCastleModelOverRandomAddsAndRemoves");
        SplittableRandom random = new SplittableRandom(seed);
        LtHash16 h = new LtHash16();
        byte[] model = new byte[2048];
        for (Entry e : randomEntries(random, 60)) {
            int sign = random.nextInt(3) == 0 ? -1 : 1;
            if (sign > 0) {
                h.add(e.key(), e.value());
            } else {
                h.remove(e.key(), e.value());
            }
            BouncyCastleReference.apply(model, e.key(), e.value(), sign);
            assertArrayEquals(model, h.toBytes(), "seed " + seed);
        }
        assertArrayEquals(BouncyCastleReference.hash(model), h.checksum(), "seed " + seed);
    }

    @Test
    void combiningPartialHashesEqualsHashingEverythingInOne() {
        long seed = TestSeeds.seed("combiningPartialHashesEqualsHashingEverythingInOne");
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> entries = randomEntries(random, 50);
        LtHash16 all = new LtHash16();
        LtHash16 left = new LtHash16();
        LtHash16 right = new LtHash16();
        for (Entry e : entries) {
            all.add(e.key(), e.value());
            (random.nextBoolean() ? left : right).add(e.key(), e.value());
        }
        LtHash16 combined = left.copy();
        combined.add(right);
        assertEquals(all, combined, "seed " + seed);
        combined.subtract(right);
        assertEquals(left, combined, "seed " + seed);
        combined.subtract(left);
        assertTrue(combined.isZero(), "seed " + seed);
    }

    @Test
    void perWorkerPartialHashesSumToTheSequentialResult() throws Exception {
        long seed = TestSeeds.seed("perWorkerPartialHashesSumToTheSequentialResult");
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> removed = randomEntries(random, 500);
        List<Entry> added = randomEntries(random, 500);

        LtHash16 sequential = new LtHash16();
        removed.forEach(e -> sequential.remove(e.key(), e.value()));
        added.forEach(e -> sequential.add(e.key(), e.value()));

        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<LtHash16>> partials = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                partials.add(workers.submit(() -> {
                    LtHash16 partial = new LtHash16();
                    for (int i = worker; i < removed.size(); i += 2) {
                        partial.remove(removed.get(i).key(), removed.get(i).value());
                        partial.add(added.get(i).key(), added.get(i).value());
                    }
                    return partial;
                }));
            }
            LtHash16 parallel = new LtHash16();
            for (Future<LtHash16> partial : partials) {
                parallel.add(partial.get(1, TimeUnit.MINUTES));
            }
            assertEquals(sequential, parallel, "seed " + seed);
            assertArrayEquals(sequential.checksum(), parallel.checksum(), "seed " + seed);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void perWorkerIntAccumulatorsSumToTheSequentialResult() throws Exception {
        long seed = TestSeeds.seed("perWorkerIntAccumulatorsSumToTheSequentialResult");
        SplittableRandom random = new SplittableRandom(seed);
        List<Entry> removed = randomEntries(random, 500);
        List<Entry> added = randomEntries(random, 500);

        LtHash16 sequential = new LtHash16();
        removed.forEach(e -> sequential.remove(e.key(), e.value()));
        added.forEach(e -> sequential.add(e.key(), e.value()));

        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<int[]>> partials = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                partials.add(workers.submit(() -> {
                    Blake3Xof blake3 = new Blake3Xof();
                    int[] lanes = new int[LtHash16.LANES];
                    for (int i = worker; i < removed.size(); i += 2) {
                        blake3.subtractElementHash(removed.get(i).key(), removed.get(i).value(), lanes);
                        blake3.addElementHash(added.get(i).key(), added.get(i).value(), lanes);
                    }
                    return lanes;
                }));
            }
            LtHash16 parallel = new LtHash16();
            for (Future<int[]> partial : partials) {
                parallel.addLanes(partial.get(1, TimeUnit.MINUTES));
            }
            assertEquals(sequential, parallel, "seed " + seed);
            assertArrayEquals(sequential.checksum(), parallel.checksum(), "seed " + seed);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void addLanesAddsElementIToLaneI() {
        int[] accumulator = new int[LtHash16.LANES];
        for (int i = 0; i < accumulator.length; i++) {
            accumulator[i] = i * 1000 + 0x70000;
        }
        LtHash16 h = new LtHash16();
        h.addLanes(accumulator);
        h.addLanes(accumulator);
        for (int i = 0; i < LtHash16.LANES; i++) {
            assertEquals((2 * i * 1000) & 0xFFFF, h.lane(i), "lane " + i);
        }
    }

    // ---- representation ----

    @Test
    void bytesRoundTripThroughFromBytes() {
        long seed = TestSeeds.seed("bytesRoundTripThroughFromBytes");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = Blake3XofTest.randomBytes(random, LtHash16.BYTES);
        LtHash16 h = LtHash16.fromBytes(bytes);
        assertArrayEquals(bytes, h.toBytes(), "seed " + seed);
        assertEquals((bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8, h.lane(0));
        assertEquals((bytes[2046] & 0xFF) | (bytes[2047] & 0xFF) << 8, h.lane(1023));
        assertEquals(h, LtHash16.fromBytes(h.toBytes()));
        assertEquals(h.hashCode(), LtHash16.fromBytes(h.toBytes()).hashCode());
        byte[] out = new byte[LtHash16.BYTES + 3];
        h.toBytes(out, 3);
        assertArrayEquals(bytes, Arrays.copyOfRange(out, 3, out.length));
    }

    @Test
    void lanesWrapModulo65536() {
        byte[] allOnes = new byte[LtHash16.BYTES];
        Arrays.fill(allOnes, (byte) 0xFF);
        LtHash16 h = LtHash16.fromBytes(allOnes);
        byte[] ones = new byte[LtHash16.BYTES];
        for (int i = 0; i < ones.length; i += 2) {
            ones[i] = 1;
        }
        h.add(LtHash16.fromBytes(ones));
        assertTrue(h.isZero());
        assertEquals(new LtHash16(), h);
        assertEquals(new LtHash16().hashCode(), h.hashCode());
        assertArrayEquals(new byte[LtHash16.BYTES], h.toBytes());
    }

    @Test
    void rejectsAVectorOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> LtHash16.fromBytes(new byte[2047]));
        assertThrows(IllegalArgumentException.class, () -> LtHash16.fromBytes(new byte[2049]));
        assertThrows(IndexOutOfBoundsException.class, () -> new LtHash16().lane(1024));
        assertThrows(IllegalArgumentException.class, () -> new LtHash16().addLanes(new int[1023]));
        assertThrows(IllegalArgumentException.class, () -> new LtHash16().addLanes(new int[1025]));
        assertThrows(IndexOutOfBoundsException.class, () -> new LtHash16().toBytes(new byte[2048], 1));
    }

    private static List<Entry> randomEntries(SplittableRandom random, int n) {
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // Keys of 1-64 bytes and values of 0-300 bytes, empty values included on purpose.
            entries.add(new Entry(
                    Blake3XofTest.randomBytes(random, 1 + random.nextInt(64)),
                    Blake3XofTest.randomBytes(random, random.nextInt(8) == 0 ? 0 : random.nextInt(301))));
        }
        return entries;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
