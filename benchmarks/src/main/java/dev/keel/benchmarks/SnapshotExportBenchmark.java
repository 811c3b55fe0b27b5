package dev.keel.benchmarks;

import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
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
 * Snapshot export of SPEC section 7: writing a flatkv store version of {@code size} MiB (32-byte
 * keys, 1 KiB values) to a snapshot file with {@code SnapshotWriter} (unencrypted, 1 MiB chunks,
 * temp file, fsync, rename, directory fsync), against the sequential write bandwidth of the same
 * disk: the same number of bytes written with {@link FileChannel} in 1 MiB writes and one
 * {@code force(true)}. Each score is the time of one whole file (single shot, ms); the target is
 * export ≥ 70% of sequential write bandwidth, i.e. {@code sequentialWrite / export ≥ 0.7}.
 * {@code size=1024} is the long profile.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SnapshotExportBenchmark {
    private static final int WRITE_BUFFER_BYTES = 1 << 20;

    /** The store to export, the length its snapshot has, and a fresh output name per iteration. */
    @State(Scope.Benchmark)
    public static class Source {
        /** Snapshot size in MiB: 64 by default, 1024 for the long profile. */
        @Param({"64"})
        public int size;

        Path root;
        VersionedStore store;
        long fileLength;
        ByteBuffer block;
        Path out;

        @Setup(Level.Trial)
        public void build() throws IOException {
            root = Files.createTempDirectory("keel-bench-export");
            store = SnapshotDataset.buildStore(root.resolve("store"), SnapshotDataset.records(size));
            // One export up front gives the exact byte count the sequential write must match.
            Path probe = root.resolve("probe.ksnp");
            SnapshotToken token = SnapshotDataset.writeSnapshot(store, probe);
            fileLength = token.fileLength();
            Files.delete(probe);
            byte[] random = new byte[WRITE_BUFFER_BYTES];
            new SplittableRandom(64).nextBytes(random);
            block = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).put(random).flip();
        }

        @Setup(Level.Iteration)
        public void nextName() throws IOException {
            // Both benchmarks write a new file each time: no overwrite of blocks already allocated.
            out = root.resolve("out.ksnp");
            Files.deleteIfExists(out);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            CommitThroughputBenchmark.deleteTree(root);
        }
    }

    @Benchmark
    public SnapshotToken export(Source s) {
        return SnapshotDataset.writeSnapshot(s.store, s.out);
    }

    @Benchmark
    public long sequentialWrite(Source s) throws IOException {
        long written = 0;
        try (FileChannel channel = FileChannel.open(s.out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (written < s.fileLength) {
                ByteBuffer b = s.block.duplicate();
                b.limit((int) Math.min(b.capacity(), s.fileLength - written));
                while (b.hasRemaining()) {
                    written += channel.write(b);
                }
            }
            channel.force(true);
        }
        return written;
    }
}
