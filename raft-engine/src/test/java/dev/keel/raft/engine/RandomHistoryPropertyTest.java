package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.consensus.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random histories of blocks, membership changes, leases, snapshots and restarts. Pins: every
 * restart reaches the state the node had before it; re-applying the whole log is a no-op (apply
 * idempotency); skipping the snapshot and restoring it into a wiped store reach the same state.
 * Prints its seed; {@code -Dkeel.seed=...} reproduces a run.
 */
class RandomHistoryPropertyTest {
    private static final long SEED = Long.getLong("keel.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void restartsAreInvisibleReapplyingIsANoOpAndSkipEqualsRestore() {
        System.out.println("RandomHistoryPropertyTest seed=" + SEED + " (rerun with -Dkeel.seed=" + SEED + ")");
        Random random = new Random(SEED);
        for (int trial = 0; trial < 3; trial++) {
            runHistory(random, dir.resolve("trial-" + trial), "seed=" + SEED + " trial=" + trial);
        }
    }

    private void runHistory(Random random, Path root, String context) {
        try (Node node = new Node(root, 1 + random.nextInt(12))) {
            node.open();
            for (int step = 0; step < 30; step++) {
                int op = random.nextInt(20);
                if (op < 12) {
                    List<Mutation> ops = new ArrayList<>();
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        byte[] key = {(byte) random.nextInt(16)};
                        ops.add(random.nextInt(4) == 0 ? Mutation.delete(key) : Mutation.put(key, new byte[] {(byte) step}));
                    }
                    Node.await(node.engine.propose(Node.block(ops.toArray(Mutation[]::new))));
                } else if (op < 14) {
                    node.wall.addAndGet(1 + random.nextInt(10_000));
                    Node.await(node.engine.now());
                } else if (op < 15) {
                    Node.await(node.engine.changeMembership(new Membership(List.of("n" + random.nextInt(3)), List.of())));
                } else if (op < 17) {
                    Node.await(node.engine.snapshot().exceptionally(e -> null)); // nothing applied yet is fine
                } else {
                    Node.State before = node.state();
                    node.stop();
                    node.open();
                    assertEquals(before, node.state(), context + " step " + step + ": restart changed the state");
                }
            }
            Node.State finalState = node.state();
            node.stop();
            assertReapplyingTheLogIsANoOp(root, context);
            node.open();
            assertEquals(finalState, node.state(), context + ": skip/resume");
            node.stop();
            node.wipeStore();
            node.open();
            assertEquals(finalState, node.state(), context + ": restore or replay into a wiped store");
        }
    }

    private static void assertReapplyingTheLogIsANoOp(Path root, String context) {
        try (SegmentedLogStorage log = SegmentedLogStorage.builder(root.resolve("wal")).readOnly(true).open();
             StoreStateMachine sm = new StoreStateMachine(Stores.open("flatkv", root.resolve("store"), StoreOptions.defaults()),
                     new HybridClock(() -> 0))) {
            long version = sm.store().latestVersion();
            var commitment = sm.store().commitment();
            ApplyLoop loop = new ApplyLoop(sm, sm.appliedMetadata().map(m -> m.appliedIndex()).orElse(0L));
            for (LogEntry e : log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE)) {
                loop.apply(e);
            }
            assertEquals(version, sm.store().latestVersion(), context + ": re-applying created versions");
            assertEquals(commitment, sm.store().commitment(), context + ": re-applying changed the commitment");
        }
    }
}
