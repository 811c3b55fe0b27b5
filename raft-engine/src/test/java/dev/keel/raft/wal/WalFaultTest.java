package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.WalFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each injected fault fails the WAL closed: the batch it hits and every later write fail with
 * {@link WalFailedException}, and after a power cut every acknowledged entry is still there.
 * Each test prints what the fault produced.
 */
class WalFaultTest {
    private static final int ENTRIES = 400;

    /** The outcome of one fault run, printed for the report. */
    private record Outcome(int acknowledged, int failed, long recoveredLast, String firstError) {
    }

    /**
     * Appends {@link #ENTRIES} entries one by one without waiting, injecting {@code fault} after
     * {@code faultAfter} of them, then checks fail-closed behaviour and recovery after a power cut.
     */
    private static Outcome runWithFault(String name, int faultAfter, Consumer<SimulatedDirectory> fault) {
        return runWithFault(name, faultAfter, fault, false);
    }

    private static Outcome runWithFault(String name, int faultAfter, Consumer<SimulatedDirectory> fault, boolean fileLost) {
        SimulatedDirectory dir = new SimulatedDirectory();
        SplittableRandom random = new SplittableRandom(7);
        Map<Long, LogEntry> acked = new TreeMap<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        List<LogEntry> sent = new ArrayList<>();
        SimulatedDirectory image;
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            for (long i = 1; i <= ENTRIES; i++) {
                if (i == faultAfter + 1) {
                    // Let the earlier appends settle so the fault hits a known point.
                    futures.forEach(CompletableFuture::join);
                    fault.accept(dir);
                }
                LogEntry e = WalFixtures.randomEntry(random, i, 1, 100);
                sent.add(e);
                futures.add(log.append(List.of(e)));
            }
            int failed = 0;
            String firstError = null;
            for (int k = 0; k < futures.size(); k++) {
                try {
                    futures.get(k).join();
                    acked.put(sent.get(k).index(), sent.get(k));
                } catch (CompletionException e) {
                    assertInstanceOf(WalFailedException.class, e.getCause(), name);
                    if (firstError == null) {
                        firstError = e.getCause().getMessage() + " / cause: " + e.getCause().getCause();
                    }
                    failed++;
                }
            }
            assertTrue(failed > 0, name + ": the fault must fail something");
            // Fail-closed: once one append failed, nothing after it is acknowledged.
            long lastAcked = acked.isEmpty() ? 0 : ((TreeMap<Long, LogEntry>) acked).lastKey();
            assertEquals(acked.size(), lastAcked, name + ": acknowledged entries must be a prefix");
            CompletableFuture<Void> later = log.append(List.of(new LogEntry(ENTRIES + 1L, 1, LogEntry.Type.NORMAL, new byte[1])));
            CompletionException late = assertThrows(CompletionException.class, later::join);
            assertInstanceOf(WalFailedException.class, late.getCause());
            assertThrows(WalFailedException.class, () -> log.setHardState(new HardState(9, "x", 0)));
            image = dir.powerLoss(new Random(1), true);
            Outcome outcome;
            try (SegmentedLogStorage reopened = WalFixtures.open(image)) {
                for (LogEntry e : acked.values()) {
                    if (fileLost && e.index() > reopened.lastIndex()) {
                        // The entries lived in the deleted file: gone with it, but what is left is an exact prefix.
                        break;
                    }
                    assertEquals(e, reopened.entries(e.index(), e.index() + 1, Long.MAX_VALUE).get(0), name + ": lost acknowledged " + e);
                }
                assertTrue(reopened.hardState().term() != 9, name + ": a failed hard state write must not be reported durable");
                outcome = new Outcome(acked.size(), failed, reopened.lastIndex(), firstError);
            }
            if (!fileLost) {
                assertTrue(outcome.recoveredLast >= outcome.acknowledged, name);
            }
            System.out.println("fault=" + name + " acknowledged=" + outcome.acknowledged + " failed=" + outcome.failed
                    + " recoveredLastIndex=" + outcome.recoveredLast + " error=\"" + outcome.firstError + "\"");
            return outcome;
        }
    }

    @Test
    void failedForceFailsTheBatchAndEveryLaterWrite() {
        Outcome o = runWithFault("force-throws", 100, d -> d.failForceAfter(0));
        assertTrue(o.acknowledged() >= 100 && o.firstError().contains("fsync failed"), o.toString());
    }

    @Test
    void recordWriteThatFailsAfterAShortPrefixFailsClosed() {
        Outcome o = runWithFault("short-record-write-then-error", 120, d -> d.failNextWriteAfter(7));
        assertTrue(o.acknowledged() >= 120 && o.firstError().contains("short write"), o.toString());
    }

    @Test
    void preallocationWriteThatFailsAfterAShortPrefixFailsClosed() {
        Outcome o = runWithFault("short-preallocation-write-then-error", 150, d -> d.failNextWriteAfter(7));
        assertTrue(o.acknowledged() >= 150 && o.firstError().contains("short write"), o.toString());
    }

    @Test
    void fullDiskFailsClosedEvenWhenItHitsSegmentPreallocation() {
        Outcome o = runWithFault("disk-full", 200, d -> d.setCapacity(d.usedBytes() + 1500));
        assertTrue(o.acknowledged() >= 200 && o.firstError().contains("No space left"), o.toString());
    }

    @Test
    void segmentFileVanishingUnderTheWriterFailsClosed() {
        Outcome o = runWithFault("vanished-segment", 50, d -> {
            List<String> names = WalFixtures.segmentNames(d);
            d.vanish(names.get(names.size() - 1));
        }, true);
        assertTrue(o.acknowledged() >= 50 && o.firstError().contains("vanished"), o.toString());
    }

    @Test
    void legalShortWritesAreLoopedOverAndLoseNothing() {
        SimulatedDirectory dir = new SimulatedDirectory();
        dir.limitWriteChunk(5);
        SplittableRandom random = new SplittableRandom(3);
        List<LogEntry> sent = new ArrayList<>();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            for (long i = 1; i <= 50; i++) {
                LogEntry e = WalFixtures.randomEntry(random, i, 1, 100);
                sent.add(e);
                log.append(List.of(e)).join();
            }
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir.powerLoss(new Random(2), true))) {
            assertEquals(sent, log.entries(1, 51, Long.MAX_VALUE));
        }
    }

    @Test
    void concurrentAppendsShareForces() {
        SimulatedDirectory dir = new SimulatedDirectory();
        dir.setForceDelayNanos(2_000_000);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            long forcesBefore = dir.forces();
            for (long i = 1; i <= 200; i++) {
                futures.add(log.append(List.of(new LogEntry(i, 1, LogEntry.Type.NORMAL, new byte[8]))));
            }
            futures.forEach(CompletableFuture::join);
            long forces = dir.forces() - forcesBefore;
            System.out.println("group-commit: 200 appends, " + forces + " forces");
            // While one force runs, the next appends queue in the ring and share the following one.
            assertTrue(forces < 100, "expected batching, got " + forces + " forces for 200 appends");
        }
    }
}
