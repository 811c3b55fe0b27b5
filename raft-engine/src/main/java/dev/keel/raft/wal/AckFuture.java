package dev.keel.raft.wal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The future of one WAL operation: {@link #join} and {@link #get} spin for a bounded time before
 * they park.
 *
 * <p>A parked waiter costs the writer thread a wake-up when it completes the future (a futex call,
 * and on a small machine a context switch). With 16 writers and a batch of about twelve entries per
 * {@code force}, those wake-ups were a third of the writer's cycle (77 µs next to a 162 µs force).
 * A waiter that is still spinning when its batch becomes durable sees the completion as a plain
 * volatile read, and the writer goes straight back to the ring. The spin yields the processor every
 * few iterations, so it gives way to any other runnable thread; the budget is set per operation from
 * the recent {@code force} time (see {@link WalState#ackSpinNanos}), and is zero when spinning could
 * not cover a typical wait. The timed {@code get} and the callbacks ({@code thenRun} and so on) are
 * {@link CompletableFuture}'s own.
 */
final class AckFuture extends CompletableFuture<Void> {
    /** Pause instructions between two checks of the clock and two yields. */
    private static final int SPINS_PER_YIELD = 16;

    private final long spinNanos;

    /** @param spinNanos how long {@link #join} and {@link #get} spin before parking; 0 parks at once */
    AckFuture(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    /** @return the spin budget this future was created with */
    long spinNanos() {
        return spinNanos;
    }

    @Override
    public Void join() {
        spin(false);
        return super.join();
    }

    @Override
    public Void get() throws InterruptedException, ExecutionException {
        spin(true);
        return super.get();
    }

    /** Returns when the future is done, the budget is spent, or (if asked) the thread is interrupted. */
    private void spin(boolean interruptible) {
        if (spinNanos <= 0 || isDone()) {
            return;
        }
        long deadline = System.nanoTime() + spinNanos;
        int spins = 0;
        while (!isDone()) {
            if (++spins < SPINS_PER_YIELD) {
                Thread.onSpinWait();
                continue;
            }
            spins = 0;
            if (System.nanoTime() - deadline >= 0 || interruptible && Thread.currentThread().isInterrupted()) {
                return;
            }
            Thread.yield();
        }
    }
}
