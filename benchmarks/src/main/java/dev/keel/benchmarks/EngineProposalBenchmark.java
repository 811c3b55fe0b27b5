package dev.keel.benchmarks;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * Proposals per second end to end through the standalone {@link Engine}: a client proposes a block
 * of one put (32-byte key, 128-byte value) and waits until its future completes — durable in the
 * log, committed, applied to the store, answered — before it proposes again. Each JMH thread is
 * one client; the score is acknowledged proposals per second over all clients.
 *
 * <ul>
 *   <li>{@code clients01}: one client, so every proposal is an entry of its own, one
 *       {@code force} and one store commit each;</li>
 *   <li>{@code clients16}: sixteen clients; proposals waiting together are merged into one block
 *       entry (the engine's default {@code BlockBatcher}), one {@code force} and one store commit
 *       per batch.</li>
 * </ul>
 *
 * <p>The engine runs as shipped: a {@link StoreStateMachine} over a {@code flatkv} or {@code tree}
 * store opened without per-commit sync (the log makes commits replayable), default WAL segments,
 * and a periodic snapshot every 10,000 applied entries, so the scores include snapshots and log
 * compaction. Keys are drawn from {@link EngineState#keySpace} keys, so the store grows to that
 * size and then takes updates. Payloads are encoded in the set-up: the client's encoding cost is
 * not the engine's. Each trial starts from an empty directory; the engine (and with it the store)
 * is closed in the tear-down. There is no SPEC section 7 target; the report compares each score
 * with the durable WAL append alone ({@code WalAppendBenchmark.keelWal_t01}/{@code _t16}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EngineProposalBenchmark {
    /** How long a client waits for one proposal before the run fails rather than hangs. */
    private static final long PROPOSAL_TIMEOUT_SECONDS = 60;

    /** An engine over an empty store of one backend, ready before the first proposal. */
    @State(Scope.Benchmark)
    public static class EngineState {
        /** The commitment backend under the engine. */
        @Param({"flatkv", "tree"})
        public String backend;

        /** Distinct keys the clients write; the store grows to this size, then takes updates. */
        @Param({"100000"})
        public int keySpace;

        Path root;
        Engine engine;
        final AtomicInteger clients = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws IOException, InterruptedException, ExecutionException, TimeoutException {
            root = Files.createTempDirectory("keel-bench-engine-" + backend);
            VersionedStore store = Stores.open(backend, root.resolve("store"), StoreOptions.defaults().withSync(false));
            StoreStateMachine machine = new StoreStateMachine(store, HybridClock.system());
            engine = Engine.builder()
                    .walDirectory(root.resolve("wal"))
                    .snapshotDirectory(root.resolve("snapshots"))
                    .stateMachine(machine)
                    .clock(machine.clock())
                    .storeName("bench-" + backend)
                    .open();
            try {
                engine.ready().get(PROPOSAL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
                // JMH skips the tear-down of a failed set-up: release the engine, store and files here.
                close();
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            try {
                engine.close();
            } finally {
                CommitThroughputBenchmark.deleteTree(root);
            }
        }
    }

    /** One client's pre-encoded proposals, cycled; each client draws its own keys. */
    @State(Scope.Thread)
    public static class Client {
        static final int POOL = 1024;

        final byte[][] payloads = new byte[POOL][];
        int next;

        @Setup(Level.Trial)
        public void encode(EngineState engine) {
            SplittableRandom random = new SplittableRandom(1_000 + engine.clients.incrementAndGet());
            for (int i = 0; i < POOL; i++) {
                byte[] key = CommitThroughputBenchmark.key(random.nextInt(engine.keySpace));
                byte[] value = CommitThroughputBenchmark.value(random);
                payloads[i] = CommandCodec.encode(new Command.Block(List.of(Mutation.put(key, value))));
            }
        }

        byte[] nextPayload() {
            next = (next + 1) & (POOL - 1);
            return payloads[next];
        }
    }

    private static byte[] proposeAndWait(EngineState s, Client c)
            throws InterruptedException, ExecutionException, TimeoutException {
        return s.engine.propose(c.nextPayload()).get(PROPOSAL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** One client: propose, wait for the applied result, repeat. */
    @Benchmark
    @Threads(1)
    public byte[] clients01(EngineState s, Client c) throws InterruptedException, ExecutionException, TimeoutException {
        return proposeAndWait(s, c);
    }

    /** Sixteen clients, each waiting for its own proposal before the next. */
    @Benchmark
    @Threads(16)
    public byte[] clients16(EngineState s, Client c) throws InterruptedException, ExecutionException, TimeoutException {
        return proposeAndWait(s, c);
    }
}
