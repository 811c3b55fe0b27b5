package dev.keel.storage.flatkv;

import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.flatkv.lthash.Blake3Xof;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes the LtHash delta of a set of changes on several threads. Element hashes are
 * independent, so each thread folds its share into its own {@code int[1024]} and the partial sums
 * are added at the end (lane sums wrap mod 2^32, and only their low 16 bits are kept).
 *
 * <p>Thread-safe: each task uses its own thread's {@link Blake3Xof}.
 */
final class CommitHasher implements AutoCloseable {
    /** Below this many changes the calling thread hashes alone: handing off costs more. */
    private static final int PARALLEL_THRESHOLD = 64;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<Blake3Xof> xof = ThreadLocal.withInitial(Blake3Xof::new);

    CommitHasher(int threads) {
        this.threads = threads;
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "keel-flatkv-hash-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /** @return the lane delta of {@code changes}: + hash(after), − hash(before) for each */
    int[] delta(List<Change> changes) {
        if (pool == null || changes.size() < PARALLEL_THRESHOLD) {
            return hash(changes);
        }
        int slices = Math.min(threads, changes.size());
        List<Future<int[]>> parts = new ArrayList<>(slices - 1);
        int size = changes.size();
        for (int s = 1; s < slices; s++) {
            List<Change> slice = changes.subList(size * s / slices, size * (s + 1) / slices);
            parts.add(pool.submit(() -> hash(slice)));
        }
        int[] lanes = hash(changes.subList(0, size / slices));
        for (Future<int[]> part : parts) {
            sum(lanes, await(part));
        }
        return lanes;
    }

    /** Hashes {@code changes} on the pool; the caller sums the result with {@link #await}. */
    Future<int[]> submit(List<Change> changes) {
        if (pool == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(hash(changes));
        }
        return pool.submit(() -> hash(changes));
    }

    private int[] hash(List<Change> changes) {
        Blake3Xof x = xof.get();
        int[] lanes = new int[LtHashLanes.LANES];
        for (Change c : changes) {
            if (c.before() != null) {
                x.subtractElementHash(c.key(), c.before(), lanes);
            }
            if (c.after() != null) {
                x.addElementHash(c.key(), c.after(), lanes);
            }
        }
        return lanes;
    }

    static int[] await(Future<int[]> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KeelException k) {
                throw k;
            }
            throw new StorageException("hashing failed", e.getCause());
        }
    }

    static void sum(int[] into, int[] part) {
        for (int i = 0; i < into.length; i++) {
            into[i] += part[i];
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
