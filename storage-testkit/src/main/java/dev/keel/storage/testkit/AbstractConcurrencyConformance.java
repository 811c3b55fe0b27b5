package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Conformance under concurrency: readers (views, scans, point reads) running while one writer
 * commits and prunes see, for every view, exactly the content of that view's version, and point
 * reads at the latest version return a value some version current during the read had; concurrent
 * committers get distinct consecutive versions.
 *
 * <p>Bounded by operation counts (a few hundred commits), never by wall-clock time; the only
 * timeout is a guard against a hung build.
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractConcurrencyConformance extends StoreConformanceSupport {
    private static final int COMMITS = 300;
    private static final int KEYS = 24;
    private static final int READERS = 2;
    private static final long HANG_GUARD_MINUTES = 5;

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractConcurrencyConformance() {
    }

    @Test
    void readersSeeExactlyTheirViewsVersionWhileAWriterCommitsAndPrunes() throws Exception {
        long seed = seed("readersSeeExactlyTheirViewsVersionWhileAWriterCommitsAndPrunes");
        StoreOptions opts = options().withRetainedVersions(16).withSync(false);
        ReferenceModel model = modelFor(opts);
        Map<Long, ReferenceModel.Snapshot> expected = new ConcurrentHashMap<>();
        Map<Long, Commitment> commitments = new ConcurrentHashMap<>();
        AtomicBoolean writerDone = new AtomicBoolean();
        try (VersionedStore store = open("s", opts)) {
            expected.put(0L, model.snapshot(0));
            commitments.put(0L, store.commitment());
            Callable<Integer> writer = () -> {
                Random random = new Random(seed);
                try {
                    for (int i = 1; i <= COMMITS; i++) {
                        ChangeSet changes = randomChanges(random);
                        // Published before the commit, so a reader that sees the version can check it.
                        long version = model.commit(changes, metadata(i));
                        expected.put(version, model.snapshot(version));
                        CommitInfo info = store.commit(changes, metadata(i));
                        assertEquals(version, info.version(), "version created by concurrent commit");
                        commitments.put(version, info.commitment());
                        if (i % 50 == 0) {
                            store.pruneBefore(version - 4);
                            model.pruneBefore(version - 4);
                        }
                    }
                } finally {
                    writerDone.set(true);
                }
                return COMMITS;
            };
            List<Callable<Integer>> tasks = new ArrayList<>();
            tasks.add(writer);
            for (int r = 0; r < READERS; r++) {
                long readerSeed = seed + 1 + r;
                tasks.add(() -> {
                    Random random = new Random(readerSeed);
                    int checked = 0;
                    boolean last;
                    do {
                        // Read once more after the writer finished, so every reader checks something;
                        // a reader that only met pruned versions (a fast writer ends on a prune) reads on.
                        last = writerDone.get();
                        checked += readOnce(store, random, expected, commitments);
                    } while (!last || checked == 0);
                    return checked;
                });
            }
            List<Integer> results = runAll(tasks);
            for (int r = 1; r < results.size(); r++) {
                assertTrue(results.get(r) > 0, "reader " + r + " never checked a view");
            }
            assertEquals(COMMITS, store.latestVersion());
        }
    }

    @Test
    void oneViewServesSeveralReaderThreadsWhileAWriterCommits() throws Exception {
        long seed = seed("oneViewServesSeveralReaderThreadsWhileAWriterCommits");
        StoreOptions opts = options().withSync(false);
        ReferenceModel model = modelFor(opts);
        Random random = new Random(seed);
        try (VersionedStore store = open("s", opts)) {
            for (int i = 1; i <= 5; i++) {
                commit(store, model, randomChanges(random), metadata(i));
            }
            ReferenceModel.Snapshot pinned = model.snapshot(5);
            Commitment pinnedCommitment = store.commitment();
            AtomicBoolean writerDone = new AtomicBoolean();
            try (StoreView view = store.view(5)) {
                List<Callable<Integer>> tasks = new ArrayList<>();
                tasks.add(() -> {
                    try {
                        Random writes = new Random(seed + 100);
                        for (int i = 6; i <= 100; i++) {
                            store.commit(randomChanges(writes), metadata(i));
                        }
                    } finally {
                        writerDone.set(true);
                    }
                    return 0;
                });
                for (int r = 0; r < READERS; r++) {
                    int reader = r;
                    tasks.add(() -> {
                        int rounds = 0;
                        boolean last;
                        do {
                            last = writerDone.get();
                            ModelAssertions.assertShows(pinned, pinnedCommitment, view,
                                    () -> "shared view(5), reader " + reader);
                            rounds++;
                        } while (!last);
                        return rounds;
                    });
                }
                runAll(tasks);
                ModelAssertions.assertShows(pinned, pinnedCommitment, view, () -> "shared view(5) after the writer");
            }
        }
    }

    @Test
    void concurrentCommittersGetDistinctConsecutiveVersions() throws Exception {
        int perThread = 100;
        int threads = 2;
        try (VersionedStore store = open("s", options().withSync(false))) {
            List<Callable<List<Long>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    List<Long> versions = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        versions.add(store.commit(changes("t" + thread + "-" + i + "=" + i), metadata(i)).version());
                    }
                    return versions;
                });
            }
            TreeSet<Long> all = new TreeSet<>();
            for (List<Long> versions : runAll(tasks)) {
                for (int i = 1; i < versions.size(); i++) {
                    assertTrue(versions.get(i) > versions.get(i - 1), "one thread's versions must increase: " + versions);
                }
                all.addAll(versions);
            }
            assertEquals(threads * perThread, all.size(), "two commits got the same version");
            assertEquals(1L, all.first());
            assertEquals((long) threads * perThread, all.last());
            assertEquals((long) threads * perThread, store.latestVersion());
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertTrue(store.get(b("t" + t + "-" + i)).isPresent(), "a committed key is missing");
                }
            }
        }
    }

    private static ChangeSet randomChanges(Random random) {
        ChangeSet.Builder cs = ChangeSet.builder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            byte[] key = b("key-" + random.nextInt(KEYS));
            if (random.nextInt(4) == 0) {
                cs.delete(key);
            } else {
                byte[] value = new byte[random.nextInt(6)];
                random.nextBytes(value);
                cs.put(key, value);
            }
        }
        return cs.build();
    }

    /** One read: a view of a recent version checked whole, then a point read at the latest version. */
    private static int readOnce(VersionedStore store, Random random, Map<Long, ReferenceModel.Snapshot> expected,
                                Map<Long, Commitment> commitments) {
        long latest = store.latestVersion();
        long version = Math.max(0, latest - random.nextInt(6));
        int checked = 0;
        try (StoreView view = store.view(version)) {
            ReferenceModel.Snapshot snapshot = expected.get(version);
            ModelAssertions.assertShows(snapshot, commitments.get(version), view, () -> "view(" + version + ") during commits");
            checked++;
        } catch (VersionNotRetainedException e) {
            // Pruned between latestVersion() and view(): allowed, and the exception names it.
            assertEquals(version, e.requested());
        }
        byte[] key = b("key-" + random.nextInt(KEYS));
        long before = store.latestVersion();
        Optional<byte[]> read = store.get(key);
        long after = store.latestVersion();
        for (long v = before; v <= after; v++) {
            Optional<byte[]> candidate = expected.get(v).get(key);
            if (candidate.isPresent() == read.isPresent()
                    && (read.isEmpty() || java.util.Arrays.equals(candidate.get(), read.get()))) {
                return checked;
            }
        }
        fail("get(" + ModelAssertions.hex(key) + ") returned a value no version in " + before + ".." + after + " had");
        return checked;
    }

    /** Runs the tasks on their own threads and returns their results, rethrowing the first failure. */
    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(HANG_GUARD_MINUTES, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                } catch (TimeoutException e) {
                    throw new AssertionError("a task did not finish within " + HANG_GUARD_MINUTES + " minutes (hung?)", e);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
