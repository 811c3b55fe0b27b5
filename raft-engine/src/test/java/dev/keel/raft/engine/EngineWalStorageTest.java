package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.coldstart.ColdStartOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Engine.Builder#walStorage}: the log on a caller's storage directory (the seam for fault injection). */
class EngineWalStorageTest {
    @TempDir
    Path dir;

    private StoreStateMachine stateMachine() {
        return new StoreStateMachine(Stores.open("flatkv", dir.resolve("store"), StoreOptions.defaults()),
                new HybridClock(() -> 1_000_000));
    }

    private Engine open(SimulatedDirectory wal) {
        StoreStateMachine sm = stateMachine();
        return Engine.builder().walStorage(wal).snapshotDirectory(dir.resolve("snapshots")).stateMachine(sm)
                .clock(sm.clock()).segmentBytes(4096).snapshotEvery(5).open();
    }

    @Test
    void theLogLivesInTheGivenDirectoryWhichTheEngineLeavesOpenAndTheSnapshotDirectoryIsStillCreated() {
        SimulatedDirectory wal = new SimulatedDirectory();
        byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
        try (Engine engine = open(wal)) {
            assertEquals(ColdStartOutcome.FRESH, Node.await(engine.ready()).outcome());
            for (int i = 0; i < 12; i++) {
                Node.await(engine.propose(Node.block(Mutation.put(key, new byte[] {(byte) i}))));
            }
        }
        assertTrue(Files.isDirectory(dir.resolve("snapshots")));
        assertFalse(wal.list().isEmpty(), "the segments are in the simulated directory");
        assertEquals(0, wal.openHandles(), "the log closed its segments");
        try (Engine engine = open(wal)) {
            assertEquals(ColdStartOutcome.SKIPPED, Node.await(engine.ready()).outcome(),
                    "the same directory, still usable after the first engine closed, holds the log");
            assertEquals(12, engine.appliedIndex());
        }
    }

    @Test
    void aBuilderNeedsExactlyOneOfWalDirectoryAndWalStorage() {
        try (StoreStateMachine sm = stateMachine()) {
            Engine.Builder neither = Engine.builder().snapshotDirectory(dir.resolve("snapshots")).stateMachine(sm);
            assertThrows(NullPointerException.class, neither::open);
            Engine.Builder both = Engine.builder().walDirectory(dir.resolve("wal")).walStorage(new SimulatedDirectory())
                    .snapshotDirectory(dir.resolve("snapshots")).stateMachine(sm);
            assertThrows(IllegalArgumentException.class, both::open);
        }
    }
}
