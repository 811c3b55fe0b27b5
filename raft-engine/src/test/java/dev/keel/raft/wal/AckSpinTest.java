package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.WalFailedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The acknowledgement spin: a waiter on an operation's future spins for a bounded time, gives up
 * on interrupt, still parks and wakes when the spin ends first, and the budget follows the force
 * time (none on a disk too slow for spinning to pay).
 */
class AckSpinTest {
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final int MAX_APPENDS = 400;

    @Test
    void joinWhileSpinningReturnsOnceCompletedFromAnotherThread() throws Exception {
        AckFuture f = new AckFuture(TimeUnit.SECONDS.toNanos(60));
        Thread completer = new Thread(() -> {
            sleep(20);
            f.complete(null);
        });
        completer.start();
        assertTimeoutPreemptively(GUARD, () -> f.join());
        assertTrue(f.isDone());
        completer.join();
    }

    @Test
    void aWaiterWhoseSpinRunsOutParksAndIsStillWoken() throws Exception {
        AckFuture f = new AckFuture(TimeUnit.MICROSECONDS.toNanos(100));
        AtomicReference<Thread.State> seen = new AtomicReference<>();
        Thread waiter = new Thread(f::join, "ack-waiter");
        waiter.start();
        // The waiter's 100 µs spin is long over; it must be parked (WAITING), not spinning (RUNNABLE).
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            sleep(5);
        }
        seen.set(waiter.getState());
        f.complete(null);
        waiter.join(GUARD.toMillis());
        assertEquals(Thread.State.WAITING, seen.get(), "the waiter parks once its spin is spent");
        assertEquals(Thread.State.TERMINATED, waiter.getState(), "a parked waiter is woken by the completion");
    }

    @Test
    void failuresReachSpinningWaitersUnchanged() {
        WalFailedException failure = new WalFailedException("injected", null);
        AckFuture joined = new AckFuture(TimeUnit.SECONDS.toNanos(60));
        joined.completeExceptionally(failure);
        CompletionException c = assertThrows(CompletionException.class, joined::join);
        assertSame(failure, c.getCause());
        AckFuture got = new AckFuture(TimeUnit.SECONDS.toNanos(60));
        got.completeExceptionally(failure);
        ExecutionException e = assertThrows(ExecutionException.class, got::get);
        assertSame(failure, e.getCause());
    }

    @Test
    void getStopsSpinningWhenInterrupted() throws Exception {
        // A 60 s spin: only the interrupt can end get() within the guard.
        AckFuture f = new AckFuture(TimeUnit.SECONDS.toNanos(60));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            started.countDown();
            try {
                f.get();
                outcome.set(new AssertionError("get() returned without a completion"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        waiter.start();
        started.await();
        sleep(20);
        waiter.interrupt();
        waiter.join(GUARD.toMillis());
        assertEquals(Thread.State.TERMINATED, waiter.getState(), "get() still spinning after the interrupt");
        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void theSpinFollowsTheForceTimeAndStopsOnASlowDisk() {
        SimulatedDirectory dir = new SimulatedDirectory();
        long cap = TimeUnit.MILLISECONDS.toNanos(1);
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).segmentBytes(WalFixtures.SEGMENT_BYTES)
                .ackSpin(Duration.ofNanos(cap)).open()) {
            // Simulated forces take microseconds: the spin settles near the 50 µs margin, under the
            // cap. (The first forces of a new JVM can be slow; the running mean forgets them.)
            long index = appendUntil(log, 1, () -> log.ackSpinNanos() > 0 && log.ackSpinNanos() < cap / 2);
            long fast = log.ackSpinNanos();
            CompletableFuture<Void> f = log.append(List.of(entry(index++)));
            assertEquals(fast, assertInstanceOf(AckFuture.class, f).spinNanos(), "a new future takes the current budget");
            f.join();

            // Forces of 2 ms: two of them exceed the 1 ms cap, so spinning would mostly be wasted.
            dir.setForceDelayNanos(TimeUnit.MILLISECONDS.toNanos(2));
            index = appendUntil(log, index, () -> log.ackSpinNanos() == 0);

            dir.setForceDelayNanos(0);
            appendUntil(log, index, () -> log.ackSpinNanos() > 0 && log.ackSpinNanos() < cap);
        }
    }

    @Test
    void aZeroCapNeverSpins() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(dir).ackSpin(Duration.ZERO).open()) {
            long index = appendSerially(log, 1, 10);
            assertEquals(0, log.ackSpinNanos());
            CompletableFuture<Void> f = log.append(List.of(entry(index)));
            assertEquals(0, assertInstanceOf(AckFuture.class, f).spinNanos());
            f.join();
        }
    }

    @Test
    void theCapIsChecked() {
        SegmentedLogStorage.Builder b = SegmentedLogStorage.builder(new SimulatedDirectory());
        assertThrows(IllegalArgumentException.class, () -> b.ackSpin(Duration.ofNanos(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.ackSpin(Duration.ofMillis(101)));
        assertThrows(NullPointerException.class, () -> b.ackSpin(null));
        assertSame(b, b.ackSpin(Duration.ofMillis(100)));
    }

    /**
     * Appends entries one at a time, each acknowledged before the next, until {@code reached} holds;
     * fails after {@value #MAX_APPENDS} appends (the running mean forgets a force in about 40).
     *
     * @return the next index
     */
    private static long appendUntil(SegmentedLogStorage log, long index, java.util.function.BooleanSupplier reached) {
        for (int i = 0; i < MAX_APPENDS; i++) {
            if (reached.getAsBoolean()) {
                return index;
            }
            log.append(List.of(entry(index++))).join();
        }
        throw new AssertionError("the spin budget did not adapt within " + MAX_APPENDS + " forces; it is "
                + log.ackSpinNanos() + " ns");
    }

    /** Appends {@code n} entries one at a time, each acknowledged before the next; returns the next index. */
    private static long appendSerially(SegmentedLogStorage log, long index, int n) {
        for (int i = 0; i < n; i++) {
            log.append(List.of(entry(index++))).join();
        }
        return index;
    }

    private static LogEntry entry(long index) {
        return new LogEntry(index, 1, LogEntry.Type.NORMAL, new byte[] {(byte) index});
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
