package dev.keel.raft.wal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the futures of a WAL's committed (or failed) batches, in batch order, off the writer
 * thread when that saves the writer time.
 *
 * <p>Waking a thread blocked on a future costs the waker a system call; a batch of sixteen waiting
 * appenders would keep the writer from starting the next write and force for tens of microseconds.
 * So a batch of more than one future is handed to one completion thread, and the writer goes on. A
 * batch of a single future is completed inline (one wake either way, and no extra hop for a lone
 * appender), unless handed-off batches are still being completed: then it queues behind them, so
 * futures always complete in the order their batches were committed.
 *
 * <p>Every method except {@link #close} is called on the writer thread only.
 */
final class Completions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Completions.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService executor;
    /** Batches handed off and not yet fully completed; incremented by the writer thread only. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile Thread thread;

    Completions() {
        String name = "keel-wal-completer-" + THREADS.incrementAndGet();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            // Daemon: a log that was never closed must not keep the JVM alive.
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /**
     * Completes {@code futures} normally, or all exceptionally with {@code failure} when it is not
     * null. The list is copied.
     */
    void complete(List<CompletableFuture<Void>> futures, Throwable failure) {
        if (futures.isEmpty()) {
            return;
        }
        if (futures.size() == 1 && outstanding.get() == 0) {
            finish(futures.get(0), failure);
            return;
        }
        List<CompletableFuture<Void>> batch = List.copyOf(futures);
        outstanding.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    for (CompletableFuture<Void> f : batch) {
                        finish(f, failure);
                    }
                } finally {
                    outstanding.decrementAndGet();
                }
            });
        } catch (RuntimeException rejected) {
            // Only after close; complete here rather than leave a caller waiting forever.
            outstanding.decrementAndGet();
            for (CompletableFuture<Void> f : batch) {
                finish(f, failure);
            }
        }
    }

    /** Completes one future, behind every batch handed off before it. */
    void complete(CompletableFuture<Void> future, Throwable failure) {
        complete(List.of(future), failure);
    }

    private static void finish(CompletableFuture<Void> f, Throwable failure) {
        try {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        } catch (RuntimeException e) {
            // A dependent stage's failure is the caller's; it must not stop the rest of the batch.
            LOG.warn("event=wal_completion_callback_failed error=\"{}\"", e.toString());
        }
    }

    /** @return whether the calling thread is this object's completion thread */
    boolean isCompletionThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Completes every batch handed off so far, then stops the thread. Called after the writer
     * thread has stopped; from the completion thread itself (a dependent stage closing the log) it
     * does not wait.
     */
    @Override
    public void close() {
        executor.shutdown();
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                        return;
                    }
                    LOG.warn("event=wal_completions_slow outstanding={}", outstanding.get());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
