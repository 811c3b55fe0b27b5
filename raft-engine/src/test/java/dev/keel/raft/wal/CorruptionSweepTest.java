package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive damage to a small WAL (three 4 KiB segments, every record type): every single-bit flip
 * of a written byte, and every truncation of every segment. A flip must be detected
 * ({@link WalCorruptionException}); a truncation must be detected or, only in the last segment,
 * recovered as a torn tail (what remains is a prefix of the log). Nothing is ever accepted with
 * different content. Opens are read-only, so the sweep also shows read-only recovery never needs to
 * write.
 */
class CorruptionSweepTest {
    private static SimulatedDirectory pristine;
    private static List<String> segments;
    private static WalFixtures.Content original;

    @BeforeAll
    static void writeSmallLog() {
        pristine = new SimulatedDirectory();
        SplittableRandom random = new SplittableRandom(11);
        try (SegmentedLogStorage log = WalFixtures.open(pristine)) {
            log.setHardState(new HardState(1, "node-a", 0));
            long index = 1;
            while (WalFixtures.segmentNames(pristine).size() < 3 || index < 60) {
                List<LogEntry> batch = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    batch.add(WalFixtures.randomEntry(random, index++, 2, 90));
                }
                log.append(batch).join();
                if (index == 21) {
                    log.setSnapshotToken(new SnapshotToken(10, 2, 999, 5, 6));
                    log.truncateSuffix(19);
                    index = 19;
                }
            }
            original = WalFixtures.content(log);
        }
        segments = WalFixtures.segmentNames(pristine);
        assertEquals(3, segments.size(), "fixture should have exactly three segments");
    }

    private enum Result { DETECTED, IDENTICAL, PREFIX }

    private static Result openDamaged(SimulatedDirectory dir) {
        try (SegmentedLogStorage log = WalFixtures.openReadOnly(dir)) {
            WalFixtures.Content c = WalFixtures.content(log);
            if (c.equals(original)) {
                return Result.IDENTICAL;
            }
            if (original.hasPrefix(c)) {
                return Result.PREFIX;
            }
            return fail("damaged log accepted with different content: " + c.last() + " entries vs " + original.last());
        } catch (WalCorruptionException e) {
            return Result.DETECTED;
        }
    }

    @Test
    void everySingleBitFlipOfAWrittenByteIsDetected() {
        SimulatedDirectory dir = pristine.copy();
        int[] counts = new int[Result.values().length];
        for (String name : segments) {
            byte[] image = pristine.contents(name);
            int written = RecordFrame.dataEnd(image, image.length);
            for (int i = 0; i < written; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    image[i] ^= (byte) (1 << bit);
                    dir.replace(name, image);
                    Result r = openDamaged(dir);
                    image[i] ^= (byte) (1 << bit);
                    if (r != Result.DETECTED) {
                        fail("flip of bit " + bit + " at offset " + i + " of " + name + " gave " + r);
                    }
                    counts[r.ordinal()]++;
                }
            }
            dir.replace(name, image);
        }
        System.out.println("bit flips: " + Arrays.toString(Result.values()) + " = " + Arrays.toString(counts));
        assertTrue(counts[Result.DETECTED.ordinal()] > 3 * 8 * 1000, "sweep too small: " + Arrays.toString(counts));
    }

    @Test
    void everyTruncationIsDetectedOrATornTailOfTheLastSegment() {
        SimulatedDirectory dir = pristine.copy();
        int[] counts = new int[Result.values().length];
        for (int k = 0; k < segments.size(); k++) {
            String name = segments.get(k);
            boolean last = k == segments.size() - 1;
            byte[] image = pristine.contents(name);
            int written = RecordFrame.dataEnd(image, image.length);
            for (int len = 0; len <= written; len++) {
                dir.replace(name, Arrays.copyOf(image, len));
                Result r = openDamaged(dir);
                counts[r.ordinal()]++;
                if (len == written) {
                    assertEquals(Result.IDENTICAL, r, "cutting only zeros must change nothing in " + name);
                } else if (!last && r != Result.DETECTED) {
                    fail("truncation of " + name + " to " + len + " bytes gave " + r + " but only the last segment may be torn");
                }
            }
            dir.replace(name, image);
        }
        System.out.println("truncations: " + Arrays.toString(Result.values()) + " = " + Arrays.toString(counts));
        assertTrue(counts[Result.PREFIX.ordinal()] > 0, "no truncation was recovered as torn");
    }
}
