package dev.keel.storage.flatkv;

import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.flatkv.lthash.Blake3Xof;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes LtHash deltas on several threads. Element hashes are independent, so each thread folds
 * its share into its own {@code int[1024]} and the partial sums are added at the end (lane sums
 * wrap mod 2^32; only their low 16 bits are kept).
 *
 * <p>A commit {@linkplain #start starts} a job and goes on with its own work (reading old values,
 * building the write batch) while the pool hashes; {@link Job#join} then lets the calling thread
 * hash whatever chunks are left, so no core idles while it waits.
 *
 * <p>Thread-safe: each thread uses its own {@link Blake3Xof}.
 */
final class CommitHasher implements AutoCloseable {
    /** Entries a thread claims at a time: small enough to balance, large enough to amortise. */
    private static final int CHUNK = 64;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<Blake3Xof> xof = ThreadLocal.withInitial(Blake3Xof::new);

    CommitHasher(int threads) {
        this.threads = threads;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "keel-flatkv-hash-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /** One delta being computed: + element hash of every (key, value) pair, or − with {@code subtract}. */
    final class Job {
        private final List<byte[]> keys;
        private final List<byte[]> values;
        private final boolean subtract;
        private final AtomicInteger nextChunk = new AtomicInteger();
        private final int chunks;
        private final CountDownLatch workersDone;
        private final int[] lanes = new int[LtHashLanes.LANES];
        private volatile Throwable failure;

        private Job(List<byte[]> keys, List<byte[]> values, boolean subtract, int workers) {
            this.keys = keys;
            this.values = values;
            this.subtract = subtract;
            this.chunks = (keys.size() + CHUNK - 1) / CHUNK;
            this.workersDone = new CountDownLatch(workers);
        }

        private void work() {
            try {
                int[] mine = new int[LtHashLanes.LANES];
                Blake3Xof x = xof.get();
                boolean any = false;
                for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
                    any = true;
                    int end = Math.min(keys.size(), (c + 1) * CHUNK);
                    for (int i = c * CHUNK; i < end; i++) {
                        if (subtract) {
                            x.subtractElementHash(keys.get(i), values.get(i), mine);
                        } else {
                            x.addElementHash(keys.get(i), values.get(i), mine);
                        }
                    }
                }
                if (any) {
                    synchronized (lanes) {
                        sum(lanes, mine);
                    }
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        /** Hashes the remaining chunks on the calling thread, waits for the pool, returns the delta. */
        int[] join() {
            work();
            try {
                workersDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while hashing", e);
            }
            Throwable f = failure;
            if (f instanceof KeelException k) {
                throw k;
            }
            if (f != null) {
                throw new StorageException("hashing failed", f);
            }
            synchronized (lanes) {
                return lanes.clone();
            }
        }
    }

    /**
     * Starts hashing on the pool.
     *
     * @param keys keys, not modified until the job is joined
     * @param values values, index for index
     * @param subtract whether the entries leave the state (old values) rather than enter it
     * @return the job; call {@link Job#join} exactly once
     */
    Job start(List<byte[]> keys, List<byte[]> values, boolean subtract) {
        int workers = pool == null ? 0 : Math.min(threads, (keys.size() + CHUNK - 1) / CHUNK);
        Job job = new Job(keys, values, subtract, workers);
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                try {
                    job.work();
                } finally {
                    job.workersDone.countDown();
                }
            });
        }
        return job;
    }

    /** Hashes {@code changes} (+ after, − before) on the pool, for imports that stream batches. */
    Future<int[]> submit(List<Change> changes) {
        if (pool == null) {
            return CompletableFuture.completedFuture(hash(changes));
        }
        return pool.submit(() -> hash(changes));
    }

    /** @return the delta of {@code changes}, computed on the calling thread */
    int[] hash(List<Change> changes) {
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

    static <T> T await(Future<T> part) {
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
