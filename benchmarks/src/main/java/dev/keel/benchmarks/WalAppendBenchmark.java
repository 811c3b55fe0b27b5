package dev.keel.benchmarks;

import com.alipay.sofa.jraft.conf.ConfigurationManager;
import com.alipay.sofa.jraft.entity.EnumOutter;
import com.alipay.sofa.jraft.entity.LogId;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.LogStorageOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.consensus.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Durable log appends of SPEC section 7: every writer thread appends one entry (128 B or 1 KiB
 * payload) and waits until it is durable before appending the next, so a score is the rate of
 * acknowledged appends, and the latency is append-to-acknowledgement.
 *
 * <ul>
 *   <li>{@code keelWal_tN}: Keel's {@link SegmentedLogStorage}, {@code append(entry).join()};
 *       concurrent appends are group-committed (one {@code force} per batch);</li>
 *   <li>{@code rocksDbSync_tN}: RocksDB used as a log the common Java way: one {@link WriteBatch}
 *       per append, key = big-endian index, {@code WriteOptions.setSync(true)} (RocksDB's own
 *       write-group leader merges concurrent writers into one WAL sync);</li>
 *   <li>{@code jraftRocksDbLog_tN}: the peer's real log store, SOFAJRaft's
 *       {@link RocksDBLogStorage} with {@code RaftOptions.setSync(true)}, one
 *       {@code appendEntry} per append (its own protobuf entry codec);</li>
 *   <li>{@code forceCeiling}: one thread writing {@code entryBytes} at the next offset of a
 *       preallocated file plus {@code FileChannel.force(false)}; the device's rate of forces. The
 *       spec's ceiling at N writers is N × this rate at 128 B (waiting writers settle into two
 *       alternating batches, hence its ≥ 50% target).</li>
 * </ul>
 *
 * <p>Modes: {@link Mode#Throughput} gives acknowledged appends per second (all threads together);
 * {@link Mode#SampleTime} gives the latency distribution ({@code ·p0.50}, {@code ·p0.99}). The
 * thread counts 1, 4 and 16 are separate methods ({@link Threads}) so one run covers the matrix:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar WalAppendBenchmark -rf json -rff wal-append.json
 * </pre>
 * Targets: Keel ≥ 1.5× RocksDB at 16 writers; Keel ≥ 50% of writers × the 128 B force rate.
 *
 * <p>Each method gets a fresh, empty log in a temporary directory (deleted at the end of the
 * trial), so the stores grow during the run as a real log does (new WAL segments are preallocated
 * inside the measurement, as in production).
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WalAppendBenchmark {

    /** The payload size; shared by every store (and the ceiling) so the rows compare. */
    @State(Scope.Benchmark)
    public static class Payload {
        @Param({"128", "1024"})
        public int entryBytes;

        byte[] bytes;

        @Setup(Level.Trial)
        public void fill() {
            bytes = new byte[entryBytes];
            // Random, so no layer can compress its way to a better score.
            new SplittableRandom(7).nextBytes(bytes);
        }
    }

    /** Keel's WAL, empty at the start of each trial. */
    @State(Scope.Benchmark)
    public static class KeelWal {
        Path dir;
        SegmentedLogStorage wal;
        // Index assignment and publication into the ring must happen in one order: an append whose
        // index is not lastAccepted + 1 is rejected as a gap. append() only publishes (it never
        // waits for the disk), so holding this lock costs nanoseconds, like a Raft leader's log lock.
        final Object order = new Object();
        long next;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("keel-bench-wal");
            wal = SegmentedLogStorage.builder(dir).open();
            next = wal.lastIndex() + 1;
        }

        CompletableFuture<Void> append(byte[] payload) {
            synchronized (order) {
                return wal.append(List.of(new LogEntry(next++, 1, LogEntry.Type.NORMAL, payload)));
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            wal.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** RocksDB with a synced write per append, used as a log. */
    @State(Scope.Benchmark)
    public static class RocksLog {
        static {
            RocksDB.loadLibrary();
        }

        Path dir;
        Options options;
        WriteOptions sync;
        RocksDB db;
        final AtomicLong next = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException, RocksDBException {
            dir = Files.createTempDirectory("keel-bench-rocks-log");
            options = new Options().setCreateIfMissing(true);
            sync = new WriteOptions().setSync(true);
            db = RocksDB.open(options, dir.toString());
        }

        void append(byte[] payload) throws RocksDBException {
            byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(next.incrementAndGet()).array();
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(key, payload);
                db.write(sync, batch);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            db.close();
            sync.close();
            options.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** SOFAJRaft's RocksDB log storage with sync on: the peer's production log store. */
    @State(Scope.Benchmark)
    public static class JraftLog {
        Path dir;
        RocksDBLogStorage log;
        final AtomicLong next = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("keel-bench-jraft-log");
            RaftOptions raft = new RaftOptions();
            raft.setSync(true);
            log = new RocksDBLogStorage(dir.toString(), raft);
            LogStorageOptions opts = new LogStorageOptions();
            opts.setConfigurationManager(new ConfigurationManager());
            opts.setLogEntryCodecFactory(LogEntryV2CodecFactory.getInstance());
            if (!log.init(opts)) {
                throw new IllegalStateException("SOFAJRaft RocksDBLogStorage failed to initialise in " + dir);
            }
        }

        void append(byte[] payload) {
            com.alipay.sofa.jraft.entity.LogEntry e = new com.alipay.sofa.jraft.entity.LogEntry(
                    EnumOutter.EntryType.ENTRY_TYPE_DATA);
            e.setId(new LogId(next.incrementAndGet(), 1));
            e.setData(ByteBuffer.wrap(payload));
            if (!log.appendEntry(e)) {
                throw new IllegalStateException("SOFAJRaft appendEntry failed");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            log.shutdown();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    /** A preallocated, forced file that one thread overwrites record by record. */
    @State(Scope.Thread)
    public static class PreallocatedFile {
        static final long SIZE = 64L * 1024 * 1024;

        Path dir;
        FileChannel channel;
        ByteBuffer record;
        long position;

        @Setup(Level.Trial)
        public void open(Payload payload) throws IOException {
            dir = Files.createTempDirectory("keel-bench-force");
            channel = FileChannel.open(dir.resolve("prealloc"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            // Zero-filled and forced with metadata, as the WAL prepares a segment, so the measured
            // writes change no file length and force(false) has only data to flush.
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long off = 0; off < SIZE; off += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    channel.write(zeros, off + zeros.position());
                }
            }
            channel.force(true);
            record = ByteBuffer.allocateDirect(payload.entryBytes);
            record.put(payload.bytes).flip();
        }

        void writeAndForce() throws IOException {
            if (position + record.capacity() > SIZE) {
                position = 0;
            }
            record.clear();
            while (record.hasRemaining()) {
                position += channel.write(record, position);
            }
            channel.force(false);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
            CommitThroughputBenchmark.deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- Keel WAL

    /** Keel WAL, 1 writer. */
    @Benchmark
    @Threads(1)
    public void keelWal_t01(KeelWal wal, Payload p) {
        wal.append(p.bytes).join();
    }

    /** Keel WAL, 4 writers. */
    @Benchmark
    @Threads(4)
    public void keelWal_t04(KeelWal wal, Payload p) {
        wal.append(p.bytes).join();
    }

    /** Keel WAL, 16 writers. */
    @Benchmark
    @Threads(16)
    public void keelWal_t16(KeelWal wal, Payload p) {
        wal.append(p.bytes).join();
    }

    // ---------------------------------------------------------------- RocksDB sync=true

    /** RocksDB as a log, 1 writer. */
    @Benchmark
    @Threads(1)
    public void rocksDbSync_t01(RocksLog log, Payload p) throws RocksDBException {
        log.append(p.bytes);
    }

    /** RocksDB as a log, 4 writers. */
    @Benchmark
    @Threads(4)
    public void rocksDbSync_t04(RocksLog log, Payload p) throws RocksDBException {
        log.append(p.bytes);
    }

    /** RocksDB as a log, 16 writers. */
    @Benchmark
    @Threads(16)
    public void rocksDbSync_t16(RocksLog log, Payload p) throws RocksDBException {
        log.append(p.bytes);
    }

    // ---------------------------------------------------------------- SOFAJRaft RocksDBLogStorage

    /** SOFAJRaft log storage, 1 writer. */
    @Benchmark
    @Threads(1)
    public void jraftRocksDbLog_t01(JraftLog log, Payload p) {
        log.append(p.bytes);
    }

    /** SOFAJRaft log storage, 4 writers. */
    @Benchmark
    @Threads(4)
    public void jraftRocksDbLog_t04(JraftLog log, Payload p) {
        log.append(p.bytes);
    }

    /** SOFAJRaft log storage, 16 writers. */
    @Benchmark
    @Threads(16)
    public void jraftRocksDbLog_t16(JraftLog log, Payload p) {
        log.append(p.bytes);
    }

    // ---------------------------------------------------------------- device ceiling

    /** One write plus {@code force(false)} into a preallocated file: the device's force rate. */
    @Benchmark
    @Threads(1)
    public void forceCeiling(PreallocatedFile file) throws IOException {
        file.writeAndForce();
    }
}
