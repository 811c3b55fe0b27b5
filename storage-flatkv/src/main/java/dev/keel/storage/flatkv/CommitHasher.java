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
 * <p>A commit {@linkplain #startUpdate starts} an update: the pool and the committing thread claim
 * slices of its keys, read their old values and hash them, while the committing thread builds its
 * write batch from the slices already read; {@link Update#join} then lets it process whatever
 * slices are left, so no core idles while it waits.
 *
 * <p>Thread-safe: each thread uses its own {@link Blake3Xof}.
 */
final class CommitHasher implements AutoCloseable {
    /**
     * Most keys a thread claims at a time in a commit: small enough that the threads finish
     * together, large enough that one batched RocksDB read amortises its fixed cost.
     */
    private static final int SLICE = 128;
    /** Fewest keys per slice, so that a small commit is still spread over every thread. */
    private static final int MIN_SLICE = 16;
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

    /** Reads the current values of a run of keys ({@code null} where absent), index for index. */
    @FunctionalInterface
    interface OldValueReader {
        List<byte[]> read(List<byte[]> keys);
    }

    /**
     * One commit's updates: the keys' old values are read and both element hashes of every key
     * are computed, slice by slice, on the pool and on the committing thread. A slice is read
     * and then hashed by the thread that claims it, so the reads themselves are spread over the
     * threads and the hashing of a slice starts as soon as its old values are in; the committing
     * thread builds its write batch from each slice once {@linkplain #awaitRead read}, in order,
     * while the last slices are still being hashed.
     */
    final class Update {
        private final List<byte[]> keys;
        private final List<byte[]> afters;
        private final OldValueReader reader;
        private final int slices;
        private final int sliceSize;
        private final byte[][] befores;
        private final CountDownLatch[] read;
        private final AtomicInteger nextSlice = new AtomicInteger();
        private final CountDownLatch workersDone;
        private final int[] lanes = new int[LtHashLanes.LANES];
        private volatile Throwable failure;

        private Update(List<byte[]> keys, List<byte[]> afters, OldValueReader reader, int sliceSize, int workers) {
            this.keys = keys;
            this.afters = afters;
            this.reader = reader;
            this.sliceSize = sliceSize;
            this.slices = (keys.size() + sliceSize - 1) / sliceSize;
            this.befores = new byte[keys.size()][];
            this.read = new CountDownLatch[slices];
            for (int s = 0; s < slices; s++) {
                read[s] = new CountDownLatch(1);
            }
            this.workersDone = new CountDownLatch(workers);
        }

        /** @return how many slices the keys fall into; slice {@code s} holds keys {@code [s * size, …)} */
        int slices() {
            return slices;
        }

        /** @return the first key index of slice {@code s} */
        int sliceStart(int s) {
            return s * sliceSize;
        }

        /** @return one past the last key index of slice {@code s} */
        int sliceEnd(int s) {
            return Math.min(keys.size(), (s + 1) * sliceSize);
        }

        /**
         * Waits until the old values of slice {@code s} are read, processing unclaimed slices on
         * the calling thread meanwhile.
         *
         * @throws StorageException if reading or hashing failed
         */
        void awaitRead(int s) {
            int[] mine = null;
            while (read[s].getCount() > 0) {
                rethrow();
                if (mine == null) {
                    mine = new int[LtHashLanes.LANES];
                }
                if (!claimAndProcess(mine)) {
                    rethrow();
                    try {
                        read[s].await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancel();
                        throw new StorageException("interrupted while reading old values", e);
                    }
                }
            }
            rethrow();
        }

        /** @return the value key {@code i} had before this update; only after its slice was awaited */
        byte[] before(int i) {
            return befores[i];
        }

        private void work() {
            int[] mine = new int[LtHashLanes.LANES];
            while (claimAndProcess(mine)) {
                // each call reads and hashes one slice
            }
        }

        /**
         * Claims the next slice, reads it, and folds its hashes into the job's lanes ({@code mine}
         * is scratch space); false once no slice is left or a thread has failed.
         */
        private boolean claimAndProcess(int[] mine) {
            if (failure != null) {
                return false;
            }
            int s = nextSlice.getAndIncrement();
            if (s >= slices) {
                return false;
            }
            int from = sliceStart(s);
            int to = sliceEnd(s);
            try {
                List<byte[]> olds = reader.read(keys.subList(from, to));
                for (int i = from; i < to; i++) {
                    befores[i] = olds.get(i - from);
                }
                read[s].countDown();
                Blake3Xof x = xof.get();
                java.util.Arrays.fill(mine, 0);
                for (int i = from; i < to; i++) {
                    byte[] before = befores[i];
                    byte[] after = afters.get(i);
                    if (before != null) {
                        x.subtractElementHash(keys.get(i), before, mine);
                    }
                    if (after != null) {
                        x.addElementHash(keys.get(i), after, mine);
                    }
                }
                synchronized (lanes) {
                    sum(lanes, mine);
                }
                return true;
            } catch (RuntimeException | Error e) {
                failure = e;
                read[s].countDown();
                return false;
            }
        }

        /**
         * Processes whatever slices are left on the calling thread, waits for the pool and returns
         * the delta: − the element hash of every old entry, + that of every new one.
         *
         * @throws StorageException if reading or hashing failed
         */
        int[] join() {
            work();
            cancel();
            rethrow();
            synchronized (lanes) {
                return lanes.clone();
            }
        }

        /**
         * Stops handing out slices and waits (uninterruptibly) until no pool thread works on this
         * update any more, so none outlives the commit. Idempotent.
         */
        void cancel() {
            nextSlice.set(slices);
            boolean interrupted = false;
            while (true) {
                try {
                    workersDone.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private void rethrow() {
            Throwable f = failure;
            if (f == null) {
                return;
            }
            cancel();
            if (f instanceof KeelException k) {
                throw k;
            }
            throw new StorageException("reading or hashing the commit failed", f);
        }
    }

    /**
     * Starts reading old values and hashing on the pool.
     *
     * @param keys the keys, not modified until the update is joined
     * @param afters their new values, index for index ({@code null} = deleted)
     * @param reader reads old values; called concurrently from several threads with disjoint runs of keys
     * @return the update: {@link Update#join} it, or {@link Update#cancel} it when giving up
     */
    Update startUpdate(List<byte[]> keys, List<byte[]> afters, OldValueReader reader) {
        // About four slices per thread (the committing one included), within [MIN_SLICE, SLICE].
        int perThread = (keys.size() + 4 * (threads + 1) - 1) / (4 * (threads + 1));
        int sliceSize = pool == null ? SLICE : Math.max(MIN_SLICE, Math.min(SLICE, perThread));
        int slices = (keys.size() + sliceSize - 1) / sliceSize;
        int workers = pool == null ? 0 : Math.min(threads, Math.max(0, slices - 1));
        Update update = new Update(keys, afters, reader, sliceSize, workers);
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                try {
                    update.work();
                } finally {
                    update.workersDone.countDown();
                }
            });
        }
        return update;
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
