package dev.keel.benchmarks;

import dev.keel.parity.DifferentialReplay;
import dev.keel.parity.GeneratedHistory;
import dev.keel.parity.ParityOptions;
import dev.keel.parity.ShardResult;
import dev.keel.parity.Verdict;
import dev.keel.storage.api.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Differential replay speed: versions per second of one unsharded flatkv-vs-tree replay of a
 * generated history ({@link GeneratedHistory}: up to 40 operations a version over 4,096 keys),
 * comparing every {@link #every} versions. Each invocation replays {@link #VERSIONS} versions into
 * fresh stores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ParityReplayBenchmark {
    static final int VERSIONS = 500;

    @Param({"10", "100"})
    public int every;

    private Path dir;
    private int run;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("keel-bench-parity");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        CommitThroughputBenchmark.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(VERSIONS)
    public ShardResult replay() {
        ShardResult r = DifferentialReplay.flatkvVersusTree(ParityOptions.defaults().withEvery(every))
                .replay(new GeneratedHistory(42, VERSIONS), dir.resolve("run-" + run++), ProgressListener.NONE);
        if (r.verdict() != Verdict.PASSED) {
            throw new IllegalStateException("the backends diverged: " + r.divergence());
        }
        return r;
    }
}
