package dev.keel.cli.demo;

import dev.keel.cli.CommandFailedException;
import dev.keel.cli.progress.Progress;
import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.StoreStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's clients: one thread per client of the {@link DemoWorkload}, each proposing its own
 * blocks through {@link Engine#propose} in block order and waiting for each to be applied before
 * the next, as a node's request handlers would. The engine packs the proposals that wait together
 * into one entry.
 *
 * <p>Used by one thread (the one that calls {@link #propose}); the client threads are its own.
 */
final class BlockClients implements AutoCloseable {
    private static final long PROGRESS_EVERY_MILLIS = 100;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DemoWorkload workload;
    private final ExecutorService executor;
    private final AtomicLong answered = new AtomicLong();

    /** @param workload the blocks, and how many clients propose them */
    BlockClients(DemoWorkload workload) {
        this.workload = workload;
        this.executor = Executors.newFixedThreadPool(workload.clients(), r -> {
            Thread t = new Thread(r, "keel-demo-client-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return blocks answered so far, over every {@link #propose} call */
    long answered() {
        return answered.get();
    }

    /**
     * Proposes blocks {@code [from, to)} from every client at once and returns when all are applied.
     *
     * @param engine a ready engine
     * @param from the first block
     * @param to one past the last block
     * @param progress shows {@link #answered()}, updated from this thread
     * @throws CommandFailedException if a proposal fails or is answered without a store version
     */
    void propose(Engine engine, long from, long to, Progress progress) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<CompletableFuture<Void>> clients = new ArrayList<>(workload.clients());
        for (int c = 0; c < workload.clients(); c++) {
            long first = firstBlockOf(c, from);
            clients.add(CompletableFuture.runAsync(() -> proposeFrom(engine, first, to, failure), executor));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0]));
        while (true) {
            try {
                all.get(PROGRESS_EVERY_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                progress.stepTo(answered.get());
            } catch (ExecutionException e) {
                // proposeFrom records its failure instead of throwing; this is a bug in the loop itself.
                throw new IllegalStateException("a client stopped unexpectedly", e.getCause());
            } catch (InterruptedException e) {
                failure.compareAndSet(null, e);
                Thread.currentThread().interrupt();
                break;
            }
        }
        progress.stepTo(answered.get());
        Throwable failed = failure.get();
        if (failed != null) {
            throw new CommandFailedException("a proposal failed: " + failed, failed);
        }
    }

    /** @return the first block at or after {@code from} that belongs to {@code client} */
    private long firstBlockOf(int client, long from) {
        long offset = Math.floorMod(client - from, (long) workload.clients());
        return from + offset;
    }

    private void proposeFrom(Engine engine, long first, long to, AtomicReference<Throwable> failure) {
        for (long b = first; b < to && failure.get() == null; b += workload.clients()) {
            try {
                byte[] result = engine.propose(DemoWorkload.toPayload(workload.changes(b))).get();
                if (StoreStateMachine.versionOf(result) < 1) {
                    throw new IllegalStateException("block " + b + " was applied without creating a store version");
                }
                answered.incrementAndGet();
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause() != null ? e.getCause() : e);
            } catch (InterruptedException e) {
                failure.compareAndSet(null, e);
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** Stops the client threads (they are idle between {@link #propose} calls). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
