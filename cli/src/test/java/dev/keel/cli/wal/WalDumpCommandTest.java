package dev.keel.cli.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel wal dump} run in-process on WALs written through {@link SegmentedLogStorage}: it lists
 * what was written, stops with exit 1 at a flipped byte naming the segment, and changes nothing.
 */
class WalDumpCommandTest {
    private static final int PAYLOAD = 200;
    private static final String FIRST_SEGMENT = "wal-0000000000000001.seg";

    @TempDir
    Path tmp;

    /** Entry {@code i}'s term: 1 for 1..15, 2 after, so a wrong term shows. */
    private static long termOf(long i) {
        return i <= 15 ? 1 : 2;
    }

    /** Entry {@code i}'s payload: PAYLOAD copies of one letter, so a test can find it in a file. */
    private static byte[] payloadOf(long i) {
        byte[] p = new byte[PAYLOAD];
        Arrays.fill(p, (byte) ('A' + (i - 1) % 26));
        return p;
    }

    /** Writes entries 1..count (and a hard state) through the WAL itself, with tiny segments. */
    private Path writeWal(int count, long segmentBytes) {
        Path dir = tmp.resolve("wal");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(segmentBytes).open()) {
            for (long i = 1; i <= count; i++) {
                LogEntry.Type type = i == 3 ? LogEntry.Type.CONFIG : LogEntry.Type.NORMAL;
                log.append(List.of(new LogEntry(i, termOf(i), type, payloadOf(i)))).join();
            }
            log.setHardState(new HardState(2, "n1", count - 1));
        }
        return dir;
    }

    @Test
    void dumpListsEverySegmentAndEveryEntryWithItsIndexTermTypeAndSize() {
        Path dir = writeWal(40, 4096);

        KeelInvocation run = KeelInvocation.run("wal", "dump", dir.toString());

        assertEquals(0, run.exitCode(), run.describe());
        List<String> lines = run.out().lines().toList();
        List<String> segments = lines.stream().filter(l -> l.startsWith("segment ")).toList();
        assertTrue(segments.size() >= 2, "4 KiB segments must hold 40 entries of 200 B in several files\n"
                + run.describe());
        assertTrue(segments.get(0).startsWith("segment " + FIRST_SEGMENT + " sequence 1 "), run.describe());
        assertTrue(lines.contains("log first-index 1 last-index 40"), run.describe());
        assertTrue(lines.contains("hard-state term 2 voted-for \"n1\" commit-index 39"), run.describe());
        assertTrue(lines.contains("snapshot-token none"), run.describe());
        List<String> expected = new ArrayList<>();
        for (long i = 1; i <= 40; i++) {
            expected.add("entry index " + i + " term " + termOf(i) + " type " + (i == 3 ? "CONFIG" : "NORMAL")
                    + " payload " + PAYLOAD);
        }
        assertEquals(expected, lines.stream().filter(l -> l.startsWith("entry ")).toList());
    }

    @Test
    void sealedEntriesShowTheirKeyIdAndBoxSizeWithoutNeedingTheKey() throws IOException {
        Path dir = tmp.resolve("sealed-wal");
        Files.createDirectories(dir);
        dev.keel.raft.crypto.AesGcmSealer sealer = new dev.keel.raft.crypto.AesGcmSealer(
                dev.keel.raft.crypto.StaticKeyProvider.random(new java.security.SecureRandom(), 4));
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(1 << 16).sealer(sealer).open()) {
            log.append(List.of(new LogEntry(1, 1, LogEntry.Type.NORMAL, payloadOf(1)))).join();
            log.sealWith(4);
            log.append(List.of(new LogEntry(2, 1, LogEntry.Type.NORMAL, payloadOf(2)))).join();
        }

        KeelInvocation run = KeelInvocation.run("wal", "dump", dir.toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("entry index 1 term 1 type NORMAL payload " + PAYLOAD,
                "entry index 2 term 1 type NORMAL payload " + (PAYLOAD + sealer.overhead()) + " sealed key-id 4"),
                run.out().lines().filter(l -> l.startsWith("entry ")).toList());
    }

    @Test
    void flippedByteInAMiddleRecordExitsOneNamingTheFileAndOffset() throws IOException {
        Path dir = writeWal(10, 1 << 16);
        Path segment = dir.resolve(FIRST_SEGMENT);
        int at = flipInsidePayloadOf(segment, 5);

        KeelInvocation run = KeelInvocation.run("wal", "dump", dir.toString());

        assertEquals(1, run.exitCode(), run.describe());
        String error = run.errLines().get(0);
        assertTrue(error.startsWith("keel: error: corrupt WAL record"), run.describe());
        assertTrue(error.contains(segment.toString()), run.describe());
        // The reported offset is where entry 5's record starts: before the flipped byte, within one record.
        long offset = Long.parseLong(error.replaceAll(".*at offset (\\d+):.*", "$1"));
        assertTrue(offset < at && at - offset < PAYLOAD + 64, "flipped " + at + ", reported " + offset);
        assertFalse(run.out().contains("entry index 6 "), run.describe());
        assertTrue(run.out().contains("entry index 4 "), "records before the damaged one are printed\n" + run.describe());
    }

    @Test
    void dumpLeavesEveryByteOfTheDirectoryUnchangedEvenWhenCorrupt() throws IOException {
        Path dir = writeWal(40, 4096);
        Map<String, byte[]> before = snapshot(dir);

        assertEquals(0, KeelInvocation.run("wal", "dump", dir.toString()).exitCode());
        assertSame(before, snapshot(dir));

        // A zeroed tail of the last record looks like a torn write, which a writable open would cut.
        Path last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(last);
        int end = lastNonZero(bytes);
        Arrays.fill(bytes, end - 3, end + 1, (byte) 0);
        Files.write(last, bytes);
        Map<String, byte[]> torn = snapshot(dir);

        KeelInvocation run = KeelInvocation.run("wal", "dump", dir.toString());
        assertEquals(0, run.exitCode(), run.describe());
        assertSame(torn, snapshot(dir));
    }

    @Test
    void directoryWithoutSegmentsIsAnErrorNotAnEmptyLog() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        KeelInvocation run = KeelInvocation.run("wal", "dump", empty.toString());

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().contains("no WAL in " + empty), run.describe());
    }

    /** Flips one bit in the middle of entry {@code i}'s payload; returns its file offset. */
    private static int flipInsidePayloadOf(Path segment, long i) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        byte[] needle = payloadOf(i);
        for (int off = 0; off + needle.length <= bytes.length; off++) {
            if (Arrays.equals(bytes, off, off + needle.length, needle, 0, needle.length)) {
                int at = off + needle.length / 2;
                bytes[at] ^= 0x10;
                Files.write(segment, bytes);
                return at;
            }
        }
        throw new AssertionError("payload of entry " + i + " not found in " + segment);
    }

    private static int lastNonZero(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != 0) {
                return i;
            }
        }
        throw new AssertionError("segment is all zero");
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSame(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "files in the directory");
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), name + " changed");
        }
    }
}
