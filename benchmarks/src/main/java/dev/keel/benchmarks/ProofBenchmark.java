package dev.keel.benchmarks;

import static dev.keel.benchmarks.CommitThroughputBenchmark.key;
import static dev.keel.benchmarks.CommitThroughputBenchmark.value;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.tree.Ics23;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ICS23 proofs on a {@code tree} store of 1M keys (32-byte keys, 128-byte values, as in
 * {@link CommitThroughputBenchmark}): proofs generated per second and proofs verified per second,
 * for existence (a present key) and non-existence (an absent key, proven by its two neighbours).
 * One thread; every score is in proofs per second.
 *
 * <p>Keys are drawn at random from the whole key space, so paths miss the CPU caches as a node
 * serving light clients would. Verification cycles through {@link Store#PROOFS} proofs made in
 * the set-up, so it measures {@link Ics23#verify} alone (decode plus the SHA-256 path).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ProofBenchmark {
    /** A tree store with {@link #keys} keys, a view of its latest version and proofs to verify. */
    @State(Scope.Benchmark)
    public static class Store {
        static final int PROOFS = 4_096;

        @Param({"1000000"})
        public int keys;

        Path dir;
        VersionedStore store;
        StoreView view;
        byte[] root;
        final byte[][] present = new byte[PROOFS][];
        final byte[][] presentValues = new byte[PROOFS][];
        final byte[][] presentProofs = new byte[PROOFS][];
        final byte[][] absent = new byte[PROOFS][];
        final byte[][] absentProofs = new byte[PROOFS][];

        @Setup(Level.Trial)
        public void load() throws IOException {
            dir = Files.createTempDirectory("keel-bench-proof");
            // Unsynced: the pre-load is set-up, not what is measured.
            store = Stores.open("tree", dir, StoreOptions.defaults().withSync(false));
            SplittableRandom random = new SplittableRandom(42);
            for (int start = 0; start < keys; start += 20_000) {
                ChangeSet.Builder b = ChangeSet.builder();
                for (int i = start; i < Math.min(keys, start + 20_000); i++) {
                    b.put(key(i), value(random));
                }
                store.commit(b.build(), CommitMetadata.EMPTY);
            }
            store.pruneBefore(store.latestVersion());
            view = store.latestView();
            root = view.commitment().bytes();
            for (int i = 0; i < PROOFS; i++) {
                present[i] = key(random.nextInt(keys));
                presentValues[i] = view.get(present[i]).orElseThrow();
                presentProofs[i] = Ics23.prove(view, present[i]);
                // Numbers at or above the key count were never written; 256 random bits do not collide.
                absent[i] = key(keys + (long) random.nextInt(Integer.MAX_VALUE));
                absentProofs[i] = Ics23.prove(view, absent[i]);
                if (!Ics23.verify(presentProofs[i], root, present[i], presentValues[i])
                        || !Ics23.verify(absentProofs[i], root, absent[i], null)) {
                    throw new IllegalStateException("a proof made in the set-up does not verify: nothing to measure");
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            view.close();
            store.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** Which of the prepared keys comes next; per thread, so that threads never share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            next = (next + 1) & (Store.PROOFS - 1);
            return next;
        }
    }

    @Benchmark
    public byte[] proveExistence(Store s, Cursor c) {
        return Ics23.prove(s.view, s.present[c.advance()]);
    }

    @Benchmark
    public byte[] proveNonExistence(Store s, Cursor c) {
        return Ics23.prove(s.view, s.absent[c.advance()]);
    }

    @Benchmark
    public boolean verifyExistence(Store s, Cursor c) {
        int i = c.advance();
        return Ics23.verify(s.presentProofs[i], s.root, s.present[i], s.presentValues[i]);
    }

    @Benchmark
    public boolean verifyNonExistence(Store s, Cursor c) {
        int i = c.advance();
        return Ics23.verify(s.absentProofs[i], s.root, s.absent[i], null);
    }
}
