package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalScannerTest {
    @TempDir
    Path dir;

    /** Collects what a scan reports, one line per segment or record. */
    private static final class Lines implements WalVisitor {
        final List<String> lines = new ArrayList<>();
        final List<Long> entries = new ArrayList<>();

        @Override
        public void segment(Path file, long sequence, long firstIndex, int chainSeed, HardState hardState,
                            Optional<SnapshotToken> snapshotToken, Map<Integer, Long> sealCounts) {
            lines.add("segment " + sequence + " first " + firstIndex);
        }

        @Override
        public void entry(Path file, long offset, long index, long term, LogEntry.Type type, int payloadBytes) {
            lines.add("entry " + index + " term " + term + " " + type + " " + payloadBytes);
            entries.add(index);
        }

        @Override
        public void hardState(Path file, long offset, HardState hardState) {
            lines.add("hard-state " + hardState.term() + " " + hardState.commitIndex());
        }
    }

    private void writeLog(int entries) {
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES).open()) {
            for (long i = 1; i <= entries; i++) {
                log.append(List.of(new LogEntry(i, 1 + i / 10, LogEntry.Type.NORMAL, new byte[100]))).join();
                if (i == 5) {
                    log.setHardState(new HardState(1, "n1", 5));
                }
            }
        }
    }

    @Test
    void scanReportsEverySegmentAndRecordInOrder() {
        writeLog(60);
        Lines seen = new Lines();
        WalScanner.scan(dir, seen);
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 60; i++) {
            expected.add(i);
        }
        assertEquals(expected, seen.entries);
        assertEquals("segment 1 first 1", seen.lines.get(0));
        assertTrue(seen.lines.contains("entry 12 term 2 NORMAL 100"), seen.lines.toString());
        assertTrue(seen.lines.contains("hard-state 1 5"), seen.lines.toString());
        assertTrue(seen.lines.stream().filter(l -> l.startsWith("segment ")).count() > 1, "60 entries span several 4 KiB segments");
    }

    @Test
    void scanStopsAtTheFirstCorruptRecordAfterReportingTheOnesBeforeIt() throws IOException {
        writeLog(60);
        Path first = segments().get(0);
        byte[] bytes = Files.readAllBytes(first);
        // Flip a byte well inside the first segment's records (past its header and a few entries).
        bytes[1500] ^= 0x40;
        Files.write(first, bytes);
        Map<Path, byte[]> before = snapshot();
        Lines seen = new Lines();
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WalScanner.scan(dir, seen));
        assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
        assertTrue(!seen.entries.isEmpty() && seen.entries.size() < 60, "entries before the damage are reported: " + seen.entries);
        Map<Path, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        for (Path p : before.keySet()) {
            assertArrayEquals(before.get(p), after.get(p), "a scan never changes a file: " + p);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    private Map<Path, byte[]> snapshot() throws IOException {
        Map<Path, byte[]> bytes = new TreeMap<>();
        for (Path p : segments()) {
            bytes.put(p, Files.readAllBytes(p));
        }
        return bytes;
    }
}
