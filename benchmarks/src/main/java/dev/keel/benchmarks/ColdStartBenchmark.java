package dev.keel.benchmarks;

import dev.keel.snapshot.gate.NodeRole;
import dev.keel.snapshot.restore.ColdStartRequest;
import dev.keel.snapshot.restore.ColdStartResult;
import dev.keel.snapshot.restore.RestoreOrSkip;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.flatkv.lthash.Blake3Xof;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
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
import org.rocksdb.EnvOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;
import org.rocksdb.WriteOptions;

/**
 * Cold start of SPEC section 7: a snapshot of {@code size} MiB (32-byte keys, 1 KiB values) of a
 * flatkv store, and the time from the start of restore-or-skip ({@link RestoreOrSkip#run}) to the
 * effective applied index. Each score is the time of one whole operation (single shot, ms).
 *
 * <ul>
 *   <li>{@code restore}: a store at applied index 1 opens with the snapshot at a later index
 *       (EXECUTED): full verification, then {@code replaceFrom} — SST import into a fresh
 *       directory with the commitment recomputed and checked, unencrypted;</li>
 *   <li>{@code skipFull} / {@code skipHeader}: the store already holds the snapshot's index
 *       (SKIPPED), verified with checks 1–4 / 1–3. HEADER's background scrub is dropped (see
 *       {@link #DROP_SCRUB}): it is not on the path to ready, and running it would overlap the
 *       next iteration;</li>
 *   <li>{@code rawReadCrc32c}: reading the same file and its CRC32C, nothing else — skip-FULL's
 *       ceiling;</li>
 *   <li>{@code hashingCeiling}: one element hash per entry of the snapshot (what rebuilding the
 *       LtHash costs), on every core, nothing else;</li>
 *   <li>{@code sstIngestCeiling}: the same keys and values, sorted, written as SST files with
 *       RocksDB's {@code SstFileWriter} and ingested into an empty RocksDB. Measured through
 *       rocksdbjni directly: flatkv's own SST import ({@code SstImport}) is package-private, so
 *       this is the same technique on plain RocksDB rather than flatkv's code path;</li>
 *   <li>{@code rowByRowPut}: the same records, in key order, one plain RocksDB {@code put} each
 *       (write-ahead log on, not synced): the common restore-by-put, without any hashing.</li>
 * </ul>
 * Targets: skip-HEADER ≤ 50 ms and flat in size; skip-FULL ≥ 70% of raw read + CRC32C; restore
 * ≥ 70% of the slower of the two ceilings and ≥ 5× row-by-row put.
 *
 * <p>Sizes: {@code 64} (default) and {@code 1024} for the long profile ({@code -p size=1024}:
 * about 3 GiB of temporary disk — source store, snapshot, restored store — and several times the
 * default run's duration). Every benchmark builds its own source store and snapshot once per
 * fork; warm page cache (the file was just written).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ColdStartBenchmark {
    /** Discards HEADER's background scrub; see the class comment. */
    static final Executor DROP_SCRUB = task -> { };
    private static final int READ_BUFFER_BYTES = 1 << 20;
    /** SST files roll at this size, as flatkv's import does. */
    private static final long SST_FILE_BYTES = 256L << 20;

    /** A flatkv store holding the data, its snapshot file and token, and the keys in key order. */
    @State(Scope.Benchmark)
    public static class Snapshot {
        /** Snapshot size in MiB: 64 by default, 1024 for the long profile. */
        @Param({"64"})
        public int size;

        Path root;
        VersionedStore store;
        StoreMachine machine;
        Path file;
        SnapshotToken token;
        int records;
        /** Record numbers in unsigned byte order of their keys, the order an export yields. */
        int[] sorted;
        byte[][] keys;

        @Setup(Level.Trial)
        public void build() throws IOException {
            root = Files.createTempDirectory("keel-bench-coldstart");
            records = SnapshotDataset.records(size);
            store = SnapshotDataset.buildStore(root.resolve("source"), records);
            machine = new StoreMachine(store);
            file = root.resolve("snapshot.ksnp");
            token = SnapshotDataset.writeSnapshot(store, file);
            if (token.index() <= 1) {
                // The restore target sits at applied index 1; a snapshot there would be skipped, not restored.
                throw new IllegalStateException("a " + size + " MiB snapshot is one block of " + SnapshotDataset.BLOCK
                        + " records at index 1, not ahead of the restore target: use at least 9 MiB");
            }
            keys = new byte[records][];
            for (int i = 0; i < records; i++) {
                keys[i] = SnapshotDataset.key(i);
            }
            sorted = java.util.stream.IntStream.range(0, records).boxed()
                    .sorted((a, b) -> Arrays.compareUnsigned(keys[a], keys[b])).mapToInt(Integer::intValue).toArray();
        }

        /**
         * The engine's view at open: the snapshot is the latest thing the log recorded and the
         * log holds nothing after it ({@code F = S.i + 1}, {@code Llog = S.i}), committed to S.i.
         */
        ColdStartRequest request(VerificationPolicy policy) {
            long index = token.index();
            return new ColdStartRequest("bench", Optional.of(token), file, index + 1, index,
                    i -> OptionalLong.empty(), index, NodeRole.STANDALONE, policy, null, DROP_SCRUB, null,
                    ProgressListener.NONE);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            CommitThroughputBenchmark.deleteTree(root);
        }
    }

    /** A store at applied index 1, older than the snapshot, fresh for every restore. */
    @State(Scope.Benchmark)
    public static class RestoreTarget {
        Path dir;
        VersionedStore store;
        StoreMachine machine;

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("keel-bench-restore");
            store = Stores.open("flatkv", dir, StoreOptions.defaults());
            store.commit(ChangeSet.builder().put(new byte[] {1}, new byte[] {1}).build(),
                    CommitMetadata.atPosition(1, SnapshotDataset.TERM));
            machine = new StoreMachine(store);
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            store.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** An empty RocksDB, fresh for every iteration of the ceilings that write one. */
    @State(Scope.Benchmark)
    public static class EmptyRocksDb {
        Path dir;
        Options options;
        RocksDB db;

        @Setup(Level.Iteration)
        public void open() throws IOException, RocksDBException {
            RocksDB.loadLibrary();
            dir = Files.createTempDirectory("keel-bench-rocks");
            options = new Options().setCreateIfMissing(true);
            db = RocksDB.open(options, dir.resolve("db").toString());
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            db.close();
            options.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** One hashing thread per core, kept across iterations so thread start-up is not measured. */
    @State(Scope.Benchmark)
    public static class Hashers {
        ExecutorService pool;
        int threads;

        @Setup(Level.Trial)
        public void start() {
            threads = Runtime.getRuntime().availableProcessors();
            pool = Executors.newFixedThreadPool(threads);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.shutdownNow();
        }
    }

    @Benchmark
    public ColdStartResult restore(Snapshot s, RestoreTarget target) {
        ColdStartResult result = RestoreOrSkip.run(target.machine, s.request(VerificationPolicy.FULL));
        return expect(result, ColdStartOutcome.EXECUTED, s);
    }

    @Benchmark
    public ColdStartResult skipFull(Snapshot s) {
        return expect(RestoreOrSkip.run(s.machine, s.request(VerificationPolicy.FULL)), ColdStartOutcome.SKIPPED, s);
    }

    @Benchmark
    public ColdStartResult skipHeader(Snapshot s) {
        return expect(RestoreOrSkip.run(s.machine, s.request(VerificationPolicy.HEADER)), ColdStartOutcome.SKIPPED, s);
    }

    @Benchmark
    public int rawReadCrc32c(Snapshot s) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(s.file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return (int) crc.getValue();
    }

    @Benchmark
    public int[] hashingCeiling(Snapshot s, Hashers h) throws InterruptedException, ExecutionException {
        List<Future<int[]>> parts = new ArrayList<>(h.threads);
        for (int t = 0; t < h.threads; t++) {
            int from = (int) ((long) s.records * t / h.threads);
            int to = (int) ((long) s.records * (t + 1) / h.threads);
            parts.add(h.pool.submit(() -> {
                Blake3Xof xof = new Blake3Xof();
                int[] lanes = new int[Blake3Xof.LANES];
                for (int i = from; i < to; i++) {
                    xof.addElementHash(s.keys[i], SnapshotDataset.value(i), lanes);
                }
                return lanes;
            }));
        }
        int[] sum = new int[Blake3Xof.LANES];
        for (Future<int[]> part : parts) {
            int[] lanes = part.get();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += lanes[i];
            }
        }
        return sum;
    }

    @Benchmark
    public long sstIngestCeiling(Snapshot s, EmptyRocksDb target) throws RocksDBException, IOException {
        List<String> files = new ArrayList<>();
        Path sstDir = Files.createDirectories(target.dir.resolve("sst"));
        try (EnvOptions env = new EnvOptions(); Options options = new Options()) {
            SstFileWriter writer = null;
            long bytes = 0;
            try {
                for (int i : s.sorted) {
                    if (writer == null || bytes >= SST_FILE_BYTES) {
                        if (writer != null) {
                            writer.finish();
                            writer.close();
                        }
                        String name = sstDir.resolve(files.size() + ".sst").toString();
                        writer = new SstFileWriter(env, options);
                        writer.open(name);
                        files.add(name);
                        bytes = 0;
                    }
                    byte[] value = SnapshotDataset.value(i);
                    writer.put(s.keys[i], value);
                    bytes += s.keys[i].length + value.length;
                }
                writer.finish();
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
        }
        try (IngestExternalFileOptions ingest = new IngestExternalFileOptions().setMoveFiles(true)) {
            target.db.ingestExternalFile(files, ingest);
        }
        return files.size();
    }

    @Benchmark
    public int rowByRowPut(Snapshot s, EmptyRocksDb target) throws RocksDBException {
        try (WriteOptions options = new WriteOptions()) {
            for (int i : s.sorted) {
                target.db.put(options, s.keys[i], SnapshotDataset.value(i));
            }
        }
        return s.records;
    }

    /** A wrong outcome would make the score measure something else: fail the run instead. */
    private static ColdStartResult expect(ColdStartResult result, ColdStartOutcome outcome, Snapshot s) {
        if (result.decision().outcome() != outcome || result.effectiveAppliedIndex() != s.token.index()) {
            throw new IllegalStateException("expected " + outcome + " at " + s.token.index() + ", got "
                    + result.decision().outcome() + " at " + result.effectiveAppliedIndex());
        }
        return result;
    }

    /**
     * The state machine an engine would drive, over a {@link VersionedStore}: reads its applied
     * position from the store's latest metadata (so the gate can skip), installs snapshots with
     * {@code replaceFrom}, and keeps a skipped snapshot's header state in memory.
     */
    static final class StoreMachine implements StateMachine, AppliedIndexReader, SnapshotHeaderApplier {
        private final VersionedStore store;
        /** Kept in memory as an engine would; nothing reads it here. */
        private CommitMetadata headerState = CommitMetadata.EMPTY;

        StoreMachine(VersionedStore store) {
            this.store = store;
        }

        @Override
        public boolean isEmpty() {
            return store.isEmpty();
        }

        @Override
        public byte[] apply(LogEntry entry) {
            throw new UnsupportedOperationException("the benchmark applies no entries");
        }

        @Override
        public StoreExport exportSnapshot() {
            return store.export(store.latestVersion());
        }

        @Override
        public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
            return store.replaceFrom(source, progress);
        }

        @Override
        public Optional<CommitMetadata> appliedMetadata() {
            return store.isEmpty() ? Optional.empty() : Optional.of(store.latest().metadata());
        }

        @Override
        public void applySnapshotHeader(CommitMetadata header) {
            // The merge SPEC section 3 describes, reduced to what costs anything: it is in memory.
            CommitMetadata own = store.latest().metadata();
            headerState = own.withHlcCeiling(Math.max(own.hlcCeiling(), header.hlcCeiling()));
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
