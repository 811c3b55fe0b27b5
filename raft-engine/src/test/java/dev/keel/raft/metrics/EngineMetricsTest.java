package dev.keel.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.engine.Engine;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.consensus.SnapshotToken;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineMetricsTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);

    @TempDir
    Path dir;

    private Engine open(EngineMetrics metrics) {
        StoreStateMachine sm = new StoreStateMachine(Stores.open("flatkv", dir.resolve("store"), StoreOptions.defaults()),
                new HybridClock(wall::get));
        Engine engine = Engine.builder().walDirectory(dir.resolve("wal")).snapshotDirectory(dir.resolve("snapshots"))
                .stateMachine(sm).clock(sm.clock()).segmentBytes(4096).snapshotEvery(0).storeName("node-a")
                .walListener(metrics).listener(metrics).open();
        await(engine.ready());
        return engine;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] block(int i) {
        return CommandCodec.encode(new Command.Block(List.of(Mutation.put(("k" + i).getBytes(StandardCharsets.US_ASCII),
                ("value " + i).repeat(10).getBytes(StandardCharsets.US_ASCII)))));
    }

    @Test
    void walApplyProposalAndSnapshotMetersFollowWhatTheEngineDid() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EngineMetrics metrics = new EngineMetrics(registry, "node-a");
        long lastIndex;
        SnapshotToken token;
        try (Engine engine = open(metrics)) {
            for (int i = 0; i < 30; i++) {
                await(engine.propose(block(i)));
            }
            token = await(engine.snapshot());
            for (int i = 30; i < 40; i++) {
                await(engine.propose(block(i)));
            }
            wall.addAndGet(60_000);
            await(engine.now());
            await(engine.propose(block(40)));
            lastIndex = engine.appliedIndex();
            assertEquals(42, lastIndex, "40 blocks, one at a time, a lease and a block");
            assertEquals(42.0, registry.get("keel_apply_entries_total").tags("store", "node-a", "kind", "applied")
                    .counter().count());
            assertEquals(42.0, registry.get("keel_wal_entries_total").counter().count());
            double batches = registry.get("keel_wal_batches_total").counter().count();
            double records = registry.get("keel_wal_records_total").counter().count();
            assertTrue(batches >= 1 && batches <= records, batches + " batches for " + records + " records");
            assertTrue(records >= 42 + 42, "each entry and the hard state recording its commit: " + records);
            assertEquals(batches, registry.get("keel_wal_force_seconds").timer().count());
            assertEquals(42.0, registry.get("keel_applied_index").gauge().value());
            assertEquals(42.0, registry.get("keel_commit_index").gauge().value());
            assertEquals(42, registry.get("keel_proposal_seconds").timer().count());
            assertEquals(42, registry.get("keel_apply_seconds").timer().count());
            assertEquals(1, registry.get("keel_snapshot_seconds").timer().count());
            assertEquals((double) token.fileLength(), registry.get("keel_snapshot_bytes").summary().totalAmount());
            assertTrue(registry.get("keel_wal_segments_created_total").counter().count() > 1, "4 KiB segments roll over");
            assertTrue(registry.get("keel_wal_segments_compacted_total").counter().count() >= 1,
                    "the snapshot let compaction delete segments");
            assertEquals(0.0, registry.get("keel_wal_failed").gauge().value());
        }

        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (Engine engine = open(new EngineMetrics(second, "node-a"))) {
            // Replayed after the snapshot: 11 blocks (duplicates, skipped) and the lease (re-applied for its effect).
            assertEquals(11.0, second.get("keel_apply_entries_total").tag("kind", "duplicate").counter().count());
            assertEquals(1.0, second.get("keel_apply_entries_total").tag("kind", "volatile_reapplied").counter().count());
            assertEquals(0.0, second.get("keel_apply_entries_total").tag("kind", "applied").counter().count());
            assertEquals((double) lastIndex, second.get("keel_commit_index").gauge().value());
            assertEquals(token.index(), 30);
            assertEquals(lastIndex, engine.appliedIndex());
        }
    }
}
