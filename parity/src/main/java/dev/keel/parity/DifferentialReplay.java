package dev.keel.parity;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionMismatchException;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Feeds one history to two stores (by default flatkv and tree) and compares their logical digests
 * to each other every N versions and at the end; never to a recorded result, so that nothing but
 * the two backends' agreement is measured.
 *
 * <p>Before each comparison both stores must serve exactly the version compared (latest version
 * and view both checked); a store that does not is a {@link VersionMismatchException}, not a
 * match. When a comparison fails, the versions since the last matching one are digested one by
 * one to name the <em>first</em> divergent version, then both stores are scanned from the first
 * differing bucket to name the first differing key and both its values.
 *
 * <p>Limit: comparisons every N versions miss a divergence that heals before the next comparison
 * (a dropped put overwritten a version later); {@code every = 1} compares every version.
 *
 * <p>Immutable and thread-safe: several shards may run on one instance concurrently, each with its
 * own work directory.
 */
public final class DifferentialReplay {
    private final ParitySide left;
    private final ParitySide right;
    private final ParityOptions options;
    private final LogicalDigester digester;

    /**
     * @param left the first store (reported first)
     * @param right the second store
     * @param options how to compare
     * @throws IllegalArgumentException if both sides have the same name (they share a work directory)
     */
    public DifferentialReplay(ParitySide left, ParitySide right, ParityOptions options) {
        this.left = Objects.requireNonNull(left, "left");
        this.right = Objects.requireNonNull(right, "right");
        this.options = Objects.requireNonNull(options, "options");
        if (left.name().equals(right.name())) {
            throw new IllegalArgumentException("the two sides need distinct names: " + left.name());
        }
        this.digester = new LogicalDigester(options.depth());
    }

    /**
     * flatkv against tree, opened through {@link dev.keel.storage.api.Stores#open}.
     *
     * @param options how to compare
     * @return the replay
     */
    public static DifferentialReplay flatkvVersusTree(ParityOptions options) {
        return new DifferentialReplay(ParitySide.backend("flatkv"), ParitySide.backend("tree"), options);
    }

    /** @return the options */
    public ParityOptions options() {
        return options;
    }

    /** @return the first side */
    public ParitySide left() {
        return left;
    }

    /** @return the second side */
    public ParitySide right() {
        return right;
    }

    /**
     * Replays the whole history as one shard.
     *
     * @param history the history
     * @param workDir an empty or missing directory for the two stores
     * @param progress receives versions replayed out of the history's length
     * @return the verdict and what it rests on
     * @throws VersionMismatchException if a store does not serve a version it committed
     * @throws dev.keel.storage.api.KeelException if a store fails
     */
    public ShardResult replay(ReplayHistory history, Path workDir, ProgressListener progress) {
        return replayShard(history, 0, 0, history.versions(), workDir, progress);
    }

    /**
     * Replays versions {@code fromVersion + 1 .. toVersion} of the history, starting both stores
     * from the state at {@code fromVersion} (see {@link ShardStart}), comparing at
     * {@code fromVersion}, every {@link ParityOptions#every()} versions after it, and at
     * {@code toVersion}.
     *
     * @param history the history
     * @param index the shard's index, for the result
     * @param fromVersion the starting state's version, 0..toVersion-1
     * @param toVersion the last version, at most {@code history.versions()}
     * @param workDir an empty or missing directory for the two stores
     * @param progress receives versions replayed out of {@code toVersion - fromVersion}
     * @return {@link Verdict#PASSED} with both chaining digests, or {@link Verdict#DIVERGED} with
     *     the first divergence
     * @throws IllegalArgumentException if the range is outside the history
     * @throws VersionMismatchException if a store does not serve a version it committed
     * @throws dev.keel.storage.api.KeelException if a store fails
     */
    public ShardResult replayShard(ReplayHistory history, int index, long fromVersion, long toVersion, Path workDir,
                                   ProgressListener progress) {
        if (fromVersion < 0 || toVersion <= fromVersion || toVersion > history.versions()) {
            throw new IllegalArgumentException("shard range " + fromVersion + ".." + toVersion
                    + " is not inside the history of " + history.versions() + " versions");
        }
        prepare(workDir);
        StoreOptions storeOptions = options.storeOptions();
        boolean seeded = fromVersion > 0 && options.start() == ShardStart.LOGICAL_STATE;
        if (seeded) {
            // The seeding commit is version fromVersion itself: the first commit gets initialVersion.
            storeOptions = storeOptions.withInitialVersion(fromVersion);
        }
        try (VersionedStore a = left.opener().open(workDir.resolve(left.name()), storeOptions);
             VersionedStore b = right.opener().open(workDir.resolve(right.name()), storeOptions)) {
            requireEmpty(a, left);
            requireEmpty(b, right);
            if (seeded) {
                ChangeSet state = logicalState(history, fromVersion);
                commitBoth(a, b, state, fromVersion);
            } else {
                for (long v = 1; v <= fromVersion; v++) {
                    commitBoth(a, b, history.batch(v), v);
                }
            }
            long comparisons = 0;
            Comparison start = compare(a, b, fromVersion);
            comparisons++;
            if (!start.matched()) {
                return diverged(index, fromVersion, toVersion, null, comparisons, locate(a, b, start));
            }
            long lastMatched = fromVersion;
            Comparison last = start;
            long span = toVersion - fromVersion;
            for (long v = fromVersion + 1; v <= toVersion; v++) {
                commitBoth(a, b, history.batch(v), v);
                long done = v - fromVersion;
                if (done % options.every() == 0 || v == toVersion) {
                    last = compare(a, b, v);
                    comparisons++;
                    if (!last.matched()) {
                        Comparison first = firstMismatchAfter(a, b, lastMatched, last);
                        comparisons += first.version() - lastMatched - 1;
                        return diverged(index, fromVersion, toVersion, start.left().hex(), comparisons, locate(a, b, first));
                    }
                    lastMatched = v;
                }
                if (done % 64 == 0 || v == toVersion) {
                    progress.onProgress(done, span);
                }
            }
            return new ShardResult(index, fromVersion, toVersion, Verdict.PASSED, start.left().hex(), last.left().hex(),
                    comparisons, null, null);
        }
    }

    /** Both digests of one version. */
    private record Comparison(long version, LogicalDigest left, LogicalDigest right) {
        boolean matched() {
            return left.sameContent(right);
        }
    }

    private Comparison compare(VersionedStore a, VersionedStore b, long version) {
        requireLatest(a, version);
        requireLatest(b, version);
        return new Comparison(version, digester.digest(a, version, ProgressListener.NONE),
                digester.digest(b, version, ProgressListener.NONE));
    }

    /**
     * Digests every version after the last match up to the failed comparison and returns the first
     * that differs. Linear, not a bisection: a divergence may heal and reappear, and only a linear
     * walk names the first one. It runs only on the failure path.
     */
    private Comparison firstMismatchAfter(VersionedStore a, VersionedStore b, long lastMatched, Comparison failed) {
        for (long v = lastMatched + 1; v < failed.version(); v++) {
            Comparison c = new Comparison(v, digester.digest(a, v, ProgressListener.NONE),
                    digester.digest(b, v, ProgressListener.NONE));
            if (!c.matched()) {
                return c;
            }
        }
        return failed;
    }

    /** Names the first differing key of a failed comparison by scanning both views in lockstep. */
    private Divergence locate(VersionedStore a, VersionedStore b, Comparison c) {
        byte[] bucket = c.left().firstDifferingBucket(c.right()).orElse(new byte[0]);
        byte[] key = null;
        byte[] leftValue = null;
        byte[] rightValue = null;
        // Every bucket before this one matched, so the first differing pair at or after the
        // bucket's prefix is the first differing pair of the whole key space.
        try (StoreView va = LogicalDigester.openExactly(a, c.version());
             StoreView vb = LogicalDigester.openExactly(b, c.version());
             KeyValueIterator ia = va.scan(bucket.length == 0 ? null : bucket, null);
             KeyValueIterator ib = vb.scan(bucket.length == 0 ? null : bucket, null)) {
            KeyValue x = ia.hasNext() ? ia.next() : null;
            KeyValue y = ib.hasNext() ? ib.next() : null;
            while (x != null || y != null) {
                int order = x == null ? 1 : y == null ? -1 : Arrays.compareUnsigned(x.key(), y.key());
                if (order < 0) {
                    key = x.key();
                    leftValue = x.value();
                    break;
                }
                if (order > 0) {
                    key = y.key();
                    rightValue = y.value();
                    break;
                }
                if (!Arrays.equals(x.value(), y.value())) {
                    key = x.key();
                    leftValue = x.value();
                    rightValue = y.value();
                    break;
                }
                x = ia.hasNext() ? ia.next() : null;
                y = ib.hasNext() ? ib.next() : null;
            }
        }
        return new Divergence(c.version(), bucket, key, leftValue, rightValue, left.name(), right.name(),
                c.left().hex(), c.right().hex());
    }

    private static ShardResult diverged(int index, long from, long to, String startDigest, long comparisons,
                                        Divergence divergence) {
        return new ShardResult(index, from, to, Verdict.DIVERGED, startDigest, null, comparisons, divergence, null);
    }

    private void commitBoth(VersionedStore a, VersionedStore b, ChangeSet changes, long version) {
        CommitMetadata metadata = CommitMetadata.atPosition(version, 1);
        requireCommitted(a.commit(changes, metadata), version, a);
        requireCommitted(b.commit(changes, metadata), version, b);
    }

    private static void requireCommitted(CommitInfo info, long version, VersionedStore store) {
        if (info.version() != version) {
            throw new VersionMismatchException(version, info.version(),
                    "the " + store.backend() + " store committed the history's batch as another version");
        }
    }

    private static void requireLatest(VersionedStore store, long version) {
        long latest = store.latestVersion();
        if (latest != version) {
            throw new VersionMismatchException(version, latest,
                    "the " + store.backend() + " store's latest version is not the version to compare");
        }
    }

    private static void requireEmpty(VersionedStore store, ParitySide side) {
        if (!store.isEmpty()) {
            throw new IllegalStateException("the " + side.name() + " store of a replay must start empty; it holds version "
                    + store.latestVersion() + " (use a new work directory)");
        }
    }

    /** The pairs present after the history's first {@code version} batches, as one change set of puts. */
    static ChangeSet logicalState(ReplayHistory history, long version) {
        TreeMap<byte[], byte[]> state = new TreeMap<>(KeyValue.KEY_ORDER);
        for (long v = 1; v <= version; v++) {
            for (var m : history.batch(v).effective()) {
                if (m.isPut()) {
                    state.put(m.key(), m.value());
                } else {
                    state.remove(m.key());
                }
            }
        }
        ChangeSet.Builder b = ChangeSet.builder();
        for (Map.Entry<byte[], byte[]> e : state.entrySet()) {
            b.put(e.getKey(), e.getValue());
        }
        return b.build();
    }

    private static void prepare(Path workDir) {
        try {
            Files.createDirectories(workDir);
            try (var entries = Files.list(workDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("the replay work directory " + workDir
                            + " is not empty; a replay starts from empty stores");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the replay work directory " + workDir, e);
        }
    }
}
