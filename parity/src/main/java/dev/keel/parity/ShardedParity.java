package dev.keel.parity;

import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Splits a history into consecutive version ranges (shards) and replays them in parallel with a
 * {@link DifferentialReplay}, each shard in its own work directory {@code shard-<k>}.
 *
 * <p>A shard that throws is {@link Verdict#FAILED} with the error's message (other shards go on);
 * a shard not selected is {@link Verdict#NOT_RUN}. Thread-safe: every call has its own pool.
 */
public final class ShardedParity {
    private final DifferentialReplay replay;

    /** @param replay what each shard runs */
    public ShardedParity(DifferentialReplay replay) {
        this.replay = Objects.requireNonNull(replay, "replay");
    }

    /**
     * The shard ranges: {@code shards} consecutive ranges of (nearly) equal length tiling
     * {@code 0..versions}.
     *
     * @param versions the history's length
     * @param shards how many shards, 1..versions
     * @return each shard's {@code {fromVersion, toVersion}}
     * @throws IllegalArgumentException if a shard would be empty
     */
    public static List<long[]> plan(long versions, int shards) {
        if (shards < 1 || shards > versions) {
            throw new IllegalArgumentException("cannot split " + versions + " versions into " + shards
                    + " shards (1.." + versions + " shards of at least one version)");
        }
        List<long[]> ranges = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            ranges.add(new long[] {versions * k / shards, versions * (k + 1) / shards});
        }
        return ranges;
    }

    /**
     * Runs the selected shards of the plan on up to {@code threads} threads.
     *
     * @param history the history
     * @param shards how many shards to split it into
     * @param selected the indices to run here, or null for all
     * @param threads the number of shards run at once, at least 1
     * @param workDir an empty or missing directory; shard k uses {@code workDir/shard-k}
     * @param progress receives versions replayed by all shards together out of the selected total;
     *     called from the shards' threads, so it must be thread-safe
     * @return every shard's result and the run's verdict
     * @throws IllegalArgumentException if the plan is impossible or a selected index is out of range
     * @throws InterruptedException if interrupted while waiting for the shards
     */
    public ParityReport run(ReplayHistory history, int shards, Set<Integer> selected, int threads, Path workDir,
                            ProgressListener progress) throws InterruptedException {
        List<long[]> ranges = plan(history.versions(), shards);
        if (selected != null) {
            for (int k : selected) {
                if (k < 0 || k >= shards) {
                    throw new IllegalArgumentException("shard " + k + " does not exist (0.." + (shards - 1) + ")");
                }
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        long total = 0;
        for (int k = 0; k < shards; k++) {
            if (selected == null || selected.contains(k)) {
                total += ranges.get(k)[1] - ranges.get(k)[0];
            }
        }
        long selectedTotal = total;
        AtomicLongArray done = new AtomicLongArray(shards);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, shards), r -> {
            Thread t = new Thread(r, "keel-parity-shard");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ShardResult>> futures = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                long from = ranges.get(k)[0];
                long to = ranges.get(k)[1];
                int index = k;
                if (selected != null && !selected.contains(k)) {
                    futures.add(null);
                    continue;
                }
                futures.add(pool.submit(() -> runOne(history, index, from, to, workDir.resolve("shard-" + index),
                        (d, t) -> {
                            done.set(index, d);
                            long sum = 0;
                            for (int i = 0; i < done.length(); i++) {
                                sum += done.get(i);
                            }
                            progress.onProgress(sum, selectedTotal);
                        })));
            }
            List<ShardResult> results = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                Future<ShardResult> f = futures.get(k);
                results.add(f == null ? ShardResult.notRun(k, ranges.get(k)[0], ranges.get(k)[1]) : get(f));
            }
            return new ParityReport(history.describe(), history.versions(), replay.options().every(),
                    replay.options().depth(), results);
        } finally {
            pool.shutdownNow();
        }
    }

    private ShardResult runOne(ReplayHistory history, int index, long from, long to, Path dir, ProgressListener progress) {
        try {
            return replay.replayShard(history, index, from, to, dir, progress);
        } catch (KeelException | IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
            // The shard cannot decide; the others still can. The message carries the facts.
            return new ShardResult(index, from, to, Verdict.FAILED, null, null, 0, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static ShardResult get(Future<ShardResult> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // runOne turns expected failures into FAILED results; anything else is a bug to surface.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a shard failed unexpectedly", cause);
        }
    }
}
