package dev.keel.benchmarks;

import static dev.keel.benchmarks.CommitThroughputBenchmark.key;
import static dev.keel.benchmarks.CommitThroughputBenchmark.value;

import dev.keel.parity.LogicalDigester;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * SPEC 7 "logical digest (one thread) ≥ 70% of one thread's raw SHA-256 over the same bytes".
 * {@code digest} scans a store of {@link Store#keys} keys (32-byte keys, 128-byte values) and
 * digests it; {@code rawSha256} hashes, in the same run, exactly the bytes the digest hashes
 * (every pair length-prefixed, fed one pair per update as the digester does) from memory. Both
 * scores are in keys per second; their ratio is the target.
 *
 * <p>One invocation handles every key of the store, so a run with another key count must say so
 * twice, as the parameter and as the operations per invocation:
 * {@code -p keys=100000 -opi 100000} (the suite's quick profile does). A mismatch fails the set-up
 * rather than scaling every score wrongly.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class LogicalDigestBenchmark {
    /** Keys per store by default; the scores are per key, so the op count of one invocation. */
    static final int KEYS = 1_000_000;

    /** A store of {@link #keys} keys and the bytes its digest hashes. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"tree", "flatkv"})
        public String backend;

        /** Keys in the store; must equal the operations per invocation. */
        @Param({"1000000"})
        public int keys;

        Path dir;
        VersionedStore store;
        long version;
        byte[] encoded;
        int[] ends;

        @Setup(Level.Trial)
        public void load(BenchmarkParams params) throws IOException {
            if (params.getOpsPerInvocation() != keys) {
                throw new IllegalStateException("a store of " + keys + " keys needs " + keys
                        + " operations per invocation (-opi " + keys + "), not " + params.getOpsPerInvocation());
            }
            dir = Files.createTempDirectory("keel-bench-digest");
            store = Stores.open(backend, dir, StoreOptions.defaults().withSync(false));
            SplittableRandom random = new SplittableRandom(42);
            for (int start = 0; start < keys; start += 20_000) {
                ChangeSet.Builder b = ChangeSet.builder();
                for (int i = start; i < Math.min(keys, start + 20_000); i++) {
                    b.put(key(i), value(random));
                }
                store.commit(b.build(), CommitMetadata.EMPTY);
            }
            version = store.latestVersion();
            // The raw baseline's input: the same length-prefixed pairs, in the same order.
            ByteArrayOutputStream out = new ByteArrayOutputStream(keys * 170);
            ends = new int[keys];
            int n = 0;
            try (StoreView view = store.view(version); KeyValueIterator it = view.scan()) {
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    byte[] k = kv.key();
                    byte[] v = kv.value();
                    writeInt(out, k.length);
                    out.writeBytes(k);
                    writeInt(out, v.length);
                    out.writeBytes(v);
                    ends[n++] = out.size();
                }
            }
            if (n != keys) {
                throw new IllegalStateException("store holds " + n + " keys, expected " + keys);
            }
            encoded = out.toByteArray();
        }

        private static void writeInt(ByteArrayOutputStream out, int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public byte[] digest(Store s) {
        return new LogicalDigester(1).digest(s.store, s.version, ProgressListener.NONE).digest();
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public byte[] rawSha256(Store s) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int from = 0;
        for (int end : s.ends) {
            sha.update(s.encoded, from, end - from);
            from = end;
        }
        return sha.digest();
    }
}
