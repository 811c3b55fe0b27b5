package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogCompactedException;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.LogStorage;
import dev.keel.storage.api.consensus.LogUnavailableException;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogStorage} contract, run unchanged against every implementation (Besu-style).
 * A subclass provides {@link #openLog()}, which opens the log at the same place each time, so the
 * durability tests can close and reopen it.
 */
public abstract class LogStorageConformance {
    private final List<LogStorage> opened = new ArrayList<>();

    /** @return the log under test, reopened at the same location on every call */
    protected abstract LogStorage openLog();

    private LogStorage open() {
        LogStorage log = openLog();
        opened.add(log);
        return log;
    }

    private LogStorage reopen(LogStorage log) {
        log.close();
        return open();
    }

    @AfterEach
    void closeLogs() {
        for (LogStorage log : opened) {
            log.close();
        }
    }

    protected static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, LogEntry.Type.NORMAL, ("entry-" + index + "-" + term).getBytes(StandardCharsets.UTF_8));
    }

    protected static List<LogEntry> entries(long from, long to, long term) {
        List<LogEntry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    private static void appendDurably(LogStorage log, List<LogEntry> entries) {
        assertDoesNotThrow(() -> log.append(entries).get(30, TimeUnit.SECONDS));
    }

    @Test
    void newLogIsEmptyWithFirstIndexOneAndNoState() {
        LogStorage log = open();
        assertEquals(1, log.firstIndex());
        assertEquals(0, log.lastIndex());
        assertEquals(0, log.term(0));
        assertEquals(HardState.EMPTY, log.hardState());
        assertEquals(Optional.empty(), log.snapshotToken());
        assertEquals(List.of(), log.entries(1, 1, Long.MAX_VALUE));
    }

    @Test
    void appendedEntriesReadBackInOrderWithTheirTermsAndTypes() {
        LogStorage log = open();
        List<LogEntry> batch = new ArrayList<>(entries(1, 5, 1));
        batch.add(new LogEntry(6, 2, LogEntry.Type.CONFIG, new byte[] {1, 2, 3}));
        batch.add(new LogEntry(7, 2, LogEntry.Type.NORMAL, new byte[0]));
        appendDurably(log, batch);
        assertEquals(1, log.firstIndex());
        assertEquals(7, log.lastIndex());
        assertEquals(batch, log.entries(1, 8, Long.MAX_VALUE));
        assertEquals(batch.subList(2, 4), log.entries(3, 5, Long.MAX_VALUE));
        assertEquals(1, log.term(5));
        assertEquals(2, log.term(6));
    }

    @Test
    void entriesSurviveCloseAndReopen() {
        LogStorage log = open();
        appendDurably(log, entries(1, 40, 3));
        log = reopen(log);
        assertEquals(40, log.lastIndex());
        assertEquals(entries(1, 40, 3), log.entries(1, 41, Long.MAX_VALUE));
    }

    @Test
    void byteBudgetStopsEarlyButReturnsAtLeastOneEntry() {
        LogStorage log = open();
        appendDurably(log, entries(1, 10, 1));
        int one = entry(1, 1).payloadLength();
        assertEquals(1, log.entries(1, 11, 0).size());
        assertEquals(3, log.entries(1, 11, 3L * one).size());
        assertEquals(entries(1, 3, 1), log.entries(1, 11, 3L * one + 1));
    }

    @Test
    void readsOutsideTheLogThrowTypedErrors() {
        LogStorage log = open();
        appendDurably(log, entries(1, 3, 1));
        assertThrows(LogUnavailableException.class, () -> log.term(4));
        assertThrows(LogUnavailableException.class, () -> log.entries(1, 5, Long.MAX_VALUE));
        assertThrows(LogCompactedException.class, () -> log.entries(0, 2, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> log.entries(3, 2, Long.MAX_VALUE));
    }

    @Test
    void appendLeavingAGapIsRejected() {
        LogStorage log = open();
        appendDurably(log, entries(1, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> log.append(entries(5, 6, 1)));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(entry(4, 1), entry(6, 1))));
        assertEquals(3, log.lastIndex());
    }

    @Test
    void overlappingAppendReplacesTheConflictingSuffixDurably() {
        LogStorage log = open();
        appendDurably(log, entries(1, 10, 1));
        appendDurably(log, entries(6, 7, 2));
        assertEquals(7, log.lastIndex());
        List<LogEntry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 7, 2));
        assertEquals(expected, log.entries(1, 8, Long.MAX_VALUE));
        log = reopen(log);
        assertEquals(7, log.lastIndex());
        assertEquals(expected, log.entries(1, 8, Long.MAX_VALUE));
    }

    @Test
    void truncateSuffixRemovesEntriesAcrossReopen() {
        LogStorage log = open();
        appendDurably(log, entries(1, 20, 1));
        log.truncateSuffix(12);
        assertEquals(11, log.lastIndex());
        assertThrows(LogUnavailableException.class, () -> log.term(12));
        LogStorage reopened = reopen(log);
        assertEquals(11, reopened.lastIndex());
        appendDurably(reopened, entries(12, 13, 2));
        assertEquals(2, reopened.term(12));
        assertEquals(entries(1, 11, 1), reopened.entries(1, 12, Long.MAX_VALUE));
    }

    @Test
    void hardStateAndSnapshotTokenAreDurableOnReturn() {
        LogStorage log = open();
        appendDurably(log, entries(1, 5, 1));
        HardState hs = new HardState(4, "node-b", 3);
        SnapshotToken token = new SnapshotToken(3, 1, 4096, 0x1234abcd, 0x7f00ff00);
        log.setHardState(hs);
        log.setSnapshotToken(token);
        assertEquals(hs, log.hardState());
        assertEquals(Optional.of(token), log.snapshotToken());
        log = reopen(log);
        assertEquals(hs, log.hardState());
        assertEquals(Optional.of(token), log.snapshotToken());
        assertEquals(5, log.lastIndex());
        assertEquals(1, log.term(3));
    }

    @Test
    void compactionBeyondTheSnapshotIsRejected() {
        LogStorage log = open();
        appendDurably(log, entries(1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> log.compact(2));
        log.setSnapshotToken(new SnapshotToken(3, 1, 10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> log.compact(4));
    }

    @Test
    void compactionReleasesOnlyEntriesTheSnapshotCoversAndKeepsItsTerm() {
        LogStorage log = open();
        for (long i = 1; i <= 300; i += 10) {
            appendDurably(log, entries(i, i + 9, 1 + i / 100));
        }
        log.setSnapshotToken(new SnapshotToken(250, log.term(250), 100, 1, 2));
        log.compact(250);
        long first = log.firstIndex();
        assertTrue(first <= 251, "entries above the snapshot must stay, first index " + first);
        assertEquals(300, log.lastIndex());
        assertEquals(3, log.term(250));
        assertEquals(entries(251, 260, 3), log.entries(251, 261, Long.MAX_VALUE));
        if (first > 1) {
            assertThrows(LogCompactedException.class, () -> log.entries(first - 1, first + 1, Long.MAX_VALUE));
        }
        LogStorage reopened = reopen(log);
        assertEquals(first, reopened.firstIndex());
        assertEquals(300, reopened.lastIndex());
        assertEquals(entries(251, 300, 3), reopened.entries(251, 301, Long.MAX_VALUE));
    }

    @Test
    void snapshotBeyondTheLastEntryReplacesTheLog() {
        LogStorage log = open();
        appendDurably(log, entries(1, 5, 1));
        log.setSnapshotToken(new SnapshotToken(100, 7, 10, 0, 0));
        assertEquals(100, log.lastIndex());
        assertEquals(101, log.firstIndex());
        assertEquals(7, log.term(100));
        appendDurably(log, entries(101, 102, 7));
        log = reopen(log);
        assertEquals(101, log.firstIndex());
        assertEquals(102, log.lastIndex());
        assertEquals(7, log.term(100));
        assertEquals(entries(101, 102, 7), log.entries(101, 103, Long.MAX_VALUE));
    }

    @Test
    void appendsFromManyThreadsAreAllAcknowledgedAndReadable() throws Exception {
        LogStorage log = open();
        Object order = new Object();
        long[] next = {1};
        int threads = 4;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int k = 0; k < perThread; k++) {
                        CompletableFuture<Void> ack;
                        synchronized (order) {
                            // Indexes must arrive consecutively; the wait for durability happens outside.
                            ack = log.append(List.of(entry(next[0], 1)));
                            next[0]++;
                        }
                        ack.join();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, log.lastIndex());
        assertEquals(entries(1, threads * perThread, 1), log.entries(1, threads * perThread + 1, Long.MAX_VALUE));
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        LogStorage log = open();
        appendDurably(log, entries(1, 2, 1));
        log.close();
        log.close();
        assertThrows(IllegalStateException.class, log::lastIndex);
        assertThrows(IllegalStateException.class, () -> log.append(entries(3, 3, 1)));
        assertThrows(IllegalStateException.class, () -> log.setHardState(HardState.EMPTY));
    }

    @Test
    void payloadsRoundTripByteForByte() {
        LogStorage log = open();
        byte[] big = new byte[70_000];
        new java.util.Random(7).nextBytes(big);
        appendDurably(log, List.of(new LogEntry(1, 1, LogEntry.Type.NORMAL, big)));
        assertArrayEquals(big, log.entries(1, 2, Long.MAX_VALUE).get(0).payload());
    }
}
