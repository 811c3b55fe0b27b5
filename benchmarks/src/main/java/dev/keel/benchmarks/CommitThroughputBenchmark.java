package dev.keel.benchmarks;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.flatkv.lthash.Blake3Xof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Commit throughput of SPEC section 7: blocks of 2,000 updates (32-byte keys, 128-byte values)
 * into a store pre-loaded with 1M keys. Every score is in keys per second.
 *
 * <ul>
 *   <li>{@code flatkvCommit}: one {@code VersionedStore.commit} per block (hashing on every core);</li>
 *   <li>{@code treeCommit}: the same blocks into the IAVL {@code tree} backend (the changed paths
 *       are hashed on every core; with {@code sync} its changelog record is forced per commit);</li>
 *   <li>{@code hashingCeiling}: the two element hashes an update costs (old and new entry), alone,
 *       on every core: the ceiling flatkv's commit can approach;</li>
 *   <li>{@code rocksdbWriteBatch}: the same keys and values as plain RocksDB {@code WriteBatch}
 *       writes, for reference.</li>
 * </ul>
 * Targets: flatkv and tree ≥ 140k keys/s each; flatkv ≥ 80% of the hashing ceiling.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CommitThroughputBenchmark {
    static final int BLOCK = 2_000;
    static final int KEY_BYTES = 32;
    static final int VALUE_BYTES = 128;

    /** Keys are {@code i} spread over 32 bytes, so they can be regenerated from their number. */
    static byte[] key(long i) {
        byte[] k = new byte[KEY_BYTES];
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
        for (int j = 0; j < KEY_BYTES; j += 8) {
            long v = r.nextLong();
            for (int b = 0; b < 8; b++) {
                k[j + b] = (byte) (v >>> (8 * b));
            }
        }
        return k;
    }

    static byte[] value(SplittableRandom random) {
        byte[] v = new byte[VALUE_BYTES];
        random.nextBytes(v);
        return v;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** A store of one backend pre-loaded with {@link #preload} keys, and the next block to commit. */
    @State(Scope.Benchmark)
    public abstract static class PreloadedStore {
        @Param({"1000000"})
        public int preload;
        /** false: the engine's setting (its log makes commits replayable); true: a store used alone. */
        @Param({"false", "true"})
        public boolean sync;

        Path dir;
        VersionedStore store;
        SplittableRandom random = new SplittableRandom(42);
        ChangeSet next;

        /** @return the backend name given to {@code Stores.open} */
        abstract String backend();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("keel-bench-" + backend());
            store = Stores.open(backend(), dir, StoreOptions.defaults().withSync(sync));
            for (int start = 0; start < preload; start += 20_000) {
                ChangeSet.Builder b = ChangeSet.builder();
                for (int i = start; i < Math.min(preload, start + 20_000); i++) {
                    b.put(key(i), value(random));
                }
                store.commit(b.build(), CommitMetadata.EMPTY);
            }
            // The pre-load's history is not part of the steady state being measured.
            store.pruneBefore(store.latestVersion());
        }

        @Setup(Level.Invocation)
        public void nextBlock() {
            ChangeSet.Builder b = ChangeSet.builder();
            for (int i = 0; i < BLOCK; i++) {
                b.put(key(random.nextInt(preload)), value(random));
            }
            next = b.build();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            deleteTree(dir);
        }
    }

    /** flatkv. A state per backend rather than a backend parameter, so the scores keep their names. */
    @State(Scope.Benchmark)
    public static class FlatKv extends PreloadedStore {
        @Override
        String backend() {
            return "flatkv";
        }
    }

    /** tree, with the same pre-load and blocks as {@link FlatKv}. */
    @State(Scope.Benchmark)
    public static class Tree extends PreloadedStore {
        @Override
        String backend() {
            return "tree";
        }
    }

    /** Old and new entries of 2,000 updates, per thread. */
    @State(Scope.Thread)
    public static class Entries {
        final byte[][] keys = new byte[BLOCK][];
        final byte[][] before = new byte[BLOCK][];
        final byte[][] after = new byte[BLOCK][];
        final Blake3Xof xof = new Blake3Xof();
        final int[] lanes = new int[1024];

        @Setup(Level.Trial)
        public void fill() {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < BLOCK; i++) {
                keys[i] = key(random.nextInt(1_000_000));
                before[i] = value(random);
                after[i] = value(random);
            }
        }
    }

    /** Plain RocksDB with the same pre-load. */
    @State(Scope.Benchmark)
    public static class PlainRocksDb {
        @Param({"1000000"})
        public int preload;
        /** false: the engine's setting (its log makes commits replayable); true: a store used alone. */
        @Param({"false", "true"})
        public boolean sync;

        Path dir;
        Options options;
        RocksDB db;
        WriteOptions writeOptions;
        SplittableRandom random = new SplittableRandom(42);
        byte[][] keys = new byte[BLOCK][];
        byte[][] values = new byte[BLOCK][];

        @Setup(Level.Trial)
        public void open() throws IOException, RocksDBException {
            RocksDB.loadLibrary();
            dir = Files.createTempDirectory("keel-bench-rocksdb");
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.toString());
            writeOptions = new WriteOptions().setSync(sync);
            for (int start = 0; start < preload; start += 20_000) {
                try (WriteBatch batch = new WriteBatch()) {
                    for (int i = start; i < Math.min(preload, start + 20_000); i++) {
                        batch.put(key(i), value(random));
                    }
                    db.write(writeOptions, batch);
                }
            }
        }

        @Setup(Level.Invocation)
        public void nextBlock() {
            for (int i = 0; i < BLOCK; i++) {
                keys[i] = key(random.nextInt(preload));
                values[i] = value(random);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            writeOptions.close();
            db.close();
            options.close();
            deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public Object flatkvCommit(FlatKv state) {
        return state.store.commit(state.next, CommitMetadata.EMPTY);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public Object treeCommit(Tree state) {
        return state.store.commit(state.next, CommitMetadata.EMPTY);
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(BLOCK)
    public void hashingCeiling(Entries e, Blackhole bh) {
        for (int i = 0; i < BLOCK; i++) {
            e.xof.subtractElementHash(e.keys[i], e.before[i], e.lanes);
            e.xof.addElementHash(e.keys[i], e.after[i], e.lanes);
        }
        bh.consume(e.lanes);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public void rocksdbWriteBatch(PlainRocksDb state) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < BLOCK; i++) {
                batch.put(state.keys[i], state.values[i]);
            }
            state.db.write(state.writeOptions, batch);
        }
    }
}
