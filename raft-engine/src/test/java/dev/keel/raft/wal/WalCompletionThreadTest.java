package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The WAL's completion thread, seen from a log: which thread wakes whom, and what it may do. */
class WalCompletionThreadTest {

    private static LogEntry entry(long index) {
        return new LogEntry(index, 1, LogEntry.Type.NORMAL, new byte[] {(byte) index});
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aBatchCallbackRunsOnTheCompletionThreadWhichRefusesBlockingCallsAndStopsOnClose() throws InterruptedException {
        SimulatedDirectory dir = new SimulatedDirectory();
        AtomicReference<Thread> completer = new AtomicReference<>();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        SegmentedLogStorage log = WalFixtures.open(dir);
        try {
            // Hold the first append's force, so the next two appends queue up as one batch of two.
            CountDownLatch inForce = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean armed = new AtomicBoolean(true);
            dir.setOperationListener((operation, name) -> {
                if (operation == SimulatedDirectory.Operation.FORCE && armed.compareAndSet(true, false)) {
                    inForce.countDown();
                    await(release);
                }
            });
            CompletableFuture<Void> first = log.append(List.of(entry(1)));
            await(inForce);
            CompletableFuture<Void> second = log.append(List.of(entry(2)));
            CompletableFuture<Void> third = log.append(List.of(entry(3)));
            CountDownLatch ran = new CountDownLatch(1);
            // Registered before completion and never waited on with get() before it ran, so it runs
            // on the thread that completes the future.
            second.thenRun(() -> {
                completer.set(Thread.currentThread());
                try {
                    log.setHardState(new HardState(1, HardState.NO_VOTE, 2));
                } catch (Throwable t) {
                    refused.set(t);
                }
                ran.countDown();
            });
            release.countDown();
            await(ran);
            first.join();
            third.join();
            assertTrue(completer.get().getName().startsWith("keel-wal-completer-"),
                    "a batch of two is completed off the writer thread, not on " + completer.get().getName());
            assertInstanceOf(IllegalStateException.class, refused.get(),
                    "a blocking call from the completion thread must be refused, not deadlock");
            assertEquals(3, log.lastIndex());
        } finally {
            log.close();
        }
        // The thread is told to stop by close(); it may take a moment to finish exiting.
        completer.get().join(5_000);
        assertFalse(completer.get().isAlive(), "the completion thread outlived close()");
    }
}
