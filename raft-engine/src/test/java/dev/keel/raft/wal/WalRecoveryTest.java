package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Recovery on open: SPEC's torn-tail rule and every kind of corruption it must refuse. */
class WalRecoveryTest {
    /** A closed log of {@code count} entries on a simulated directory, spanning several 4 KiB segments. */
    private static SimulatedDirectory logWith(int count) {
        SimulatedDirectory dir = new SimulatedDirectory();
        SplittableRandom random = new SplittableRandom(42);
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.setHardState(new HardState(1, "a", 0));
            List<LogEntry> batch = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                batch.add(WalFixtures.randomEntry(random, i, 1, 120));
                if (batch.size() == 5) {
                    log.append(batch).join();
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                log.append(batch).join();
            }
        }
        return dir;
    }

    private static int dataEnd(byte[] image) {
        return RecordFrame.dataEnd(image, image.length);
    }

    @Test
    void tornLastRecordIsTruncatedWithItsByteCountAndTheLogStaysWritable() {
        SimulatedDirectory dir = logWith(150);
        List<String> segments = WalFixtures.segmentNames(dir);
        assertTrue(segments.size() >= 3, "fixture must span segments: " + segments);
        String last = segments.get(segments.size() - 1);
        byte[] image = dir.contents(last);
        int end = dataEnd(image);
        // A write cut short: the last 9 bytes (end mark, CRC, a body byte) never reached the disk.
        java.util.Arrays.fill(image, end - 9, end, (byte) 0);
        dir.replace(last, image);

        WalFixtures.Content before;
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(149, log.lastIndex());
            assertTrue(log.tornBytesTruncated() > 0 && log.tornBytesTruncated() < end, "torn bytes " + log.tornBytesTruncated());
            log.append(List.of(new LogEntry(150, 2, LogEntry.Type.NORMAL, new byte[] {9}))).join();
            before = WalFixtures.content(log);
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(0, log.tornBytesTruncated());
            assertEquals(before, WalFixtures.content(log));
        }
    }

    @Test
    void incompleteRecordInAnEarlierSegmentIsCorruptionNamingFileAndOffset() {
        SimulatedDirectory dir = logWith(150);
        String first = WalFixtures.segmentNames(dir).get(0);
        byte[] image = dir.contents(first);
        int end = dataEnd(image);
        java.util.Arrays.fill(image, end - 9, end, (byte) 0);
        dir.replace(first, image);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalFixtures.open(dir));
        assertTrue(e.file().toString().endsWith(first), e.getMessage());
        assertTrue(e.offset() > 0 && e.offset() < end, e.getMessage());
    }

    @Test
    void bitFlipInACompleteLastRecordIsCorruptionNotATornWrite() {
        SimulatedDirectory dir = logWith(150);
        List<String> segments = WalFixtures.segmentNames(dir);
        String last = segments.get(segments.size() - 1);
        byte[] image = dir.contents(last);
        image[dataEnd(image) - 12] ^= 0x10;
        dir.replace(last, image);
        assertThrows(WalCorruptionException.class, () -> WalFixtures.open(dir));
    }

    @Test
    void missingMiddleSegmentIsAGap() {
        SimulatedDirectory dir = logWith(150);
        List<String> segments = WalFixtures.segmentNames(dir);
        dir.vanish(segments.get(1));
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalFixtures.open(dir));
        assertTrue(e.getMessage().contains("gap"), e.getMessage());
    }

    @Test
    void segmentFromAnotherLogWithTheSameEntriesBreaksTheChain() {
        SimulatedDirectory a = logWith(150);
        SimulatedDirectory b = logWith(150);
        String second = WalFixtures.segmentNames(a).get(1);
        b.replace(second, a.contents(second));
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalFixtures.open(b));
        assertTrue(e.getMessage().contains("chain seed"), e.getMessage());
    }

    @Test
    void readOnlyOpenOfATornLogChangesNoByteAndRejectsWrites() {
        SimulatedDirectory dir = logWith(150);
        List<String> segments = WalFixtures.segmentNames(dir);
        String last = segments.get(segments.size() - 1);
        byte[] image = dir.contents(last);
        int end = dataEnd(image);
        java.util.Arrays.fill(image, end - 3, end, (byte) 0);
        dir.replace(last, image);
        Map<String, byte[]> before = new HashMap<>();
        for (String n : dir.list()) {
            before.put(n, dir.contents(n));
        }
        try (SegmentedLogStorage log = WalFixtures.openReadOnly(dir)) {
            assertEquals(149, log.lastIndex());
            assertThrows(IllegalStateException.class, () -> log.append(List.of(new LogEntry(150, 1, LogEntry.Type.NORMAL, new byte[0]))));
            assertThrows(IllegalStateException.class, () -> log.setHardState(HardState.EMPTY));
        }
        assertEquals(before.keySet(), new java.util.HashSet<>(dir.list()));
        for (String n : dir.list()) {
            assertArrayEquals(before.get(n), dir.contents(n), n);
        }
    }

    @Test
    void lastSegmentWhoseHeaderNeverBecameDurableIsDiscarded() {
        SimulatedDirectory dir = logWith(150);
        WalFixtures.Content expected;
        try (SegmentedLogStorage log = WalFixtures.openReadOnly(dir)) {
            expected = WalFixtures.content(log);
        }
        List<String> segments = WalFixtures.segmentNames(dir);
        String next = Segment.fileName(Segment.parseName(segments.get(segments.size() - 1)) + 1);
        dir.replace(next, new byte[WalFixtures.SEGMENT_BYTES]);
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(expected, WalFixtures.content(log));
            log.append(List.of(new LogEntry(151, 1, LogEntry.Type.NORMAL, new byte[] {1}))).join();
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(151, log.lastIndex());
        }
    }

    @Test
    void craftedHugeLengthWithAValidHeaderCrcIsRejectedBeforeAllocation() {
        SimulatedDirectory dir = logWith(3);
        String only = WalFixtures.segmentNames(dir).get(0);
        byte[] image = dir.contents(only);
        int end = dataEnd(image);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(end, Integer.MAX_VALUE - 1);
        b.put(end + 4, RecordFrame.ENTRY);
        CRC32C crc = new CRC32C();
        crc.update(image, end, 8);
        b.putInt(end + 8, (int) crc.getValue());
        // Non-zero bytes after it, so the rule cannot call it torn either.
        image[end + 100] = 1;
        dir.replace(only, image);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalFixtures.open(dir));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        assertEquals(end, e.offset());
    }

    @Test
    void compactionDeletesWholeSegmentsAndTheFirstKeptSegmentStillVerifies() {
        SimulatedDirectory dir = logWith(300);
        int before = WalFixtures.segmentNames(dir).size();
        WalFixtures.Content expected;
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.setSnapshotToken(new SnapshotToken(200, 1, 10, 1, 2));
            log.compact(200);
            assertTrue(WalFixtures.segmentNames(dir).size() < before, "no segment was deleted");
            assertTrue(log.firstIndex() > 1 && log.firstIndex() <= 201, "first index " + log.firstIndex());
            expected = WalFixtures.content(log);
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(expected, WalFixtures.content(log));
            assertEquals(1, log.term(200));
        }
    }

    @Test
    void closeStopsTheWriterThreadAndClosesEverySegmentFile() {
        SimulatedDirectory dir = logWith(150);
        SegmentedLogStorage log = WalFixtures.open(dir);
        Thread writer = log.writerThread();
        assertTrue(writer != null && writer.isAlive());
        assertTrue(dir.openHandles() >= 3);
        log.close();
        // close() returns only after the thread has ended, so the segments never close under it.
        assertFalse(writer.isAlive(), "writer thread still running after close");
        assertEquals(0, dir.openHandles());
        log.close();
    }

    @Test
    void oversizedEntryGetsASegmentLargeEnoughForIt() {
        SimulatedDirectory dir = new SimulatedDirectory();
        byte[] big = new byte[3 * WalFixtures.SEGMENT_BYTES];
        new java.util.Random(3).nextBytes(big);
        LogEntry e = new LogEntry(1, 1, LogEntry.Type.NORMAL, big);
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.setHardState(new HardState(1, "v".repeat(5000), 0));
            log.append(List.of(e)).join();
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(e, log.entries(1, 2, Long.MAX_VALUE).get(0));
            assertEquals(5000, log.hardState().votedFor().length());
        }
    }

    @Test
    void emptyDirectoryOpensAsANewLogWithOneSegment() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(0, log.lastIndex());
            assertNull(log.snapshotToken().orElse(null));
        }
        assertEquals(1, WalFixtures.segmentNames(dir).size());
        assertFalse(dir.list().isEmpty());
    }
}
