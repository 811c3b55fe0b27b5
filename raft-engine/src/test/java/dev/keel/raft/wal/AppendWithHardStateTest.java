package dev.keel.raft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keel.raft.io.SimulatedDirectory;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SegmentedLogStorage#append(List, HardState)}: entries and the hard state durable with one force. */
class AppendWithHardStateTest {
    private static LogEntry entry(long index) {
        return new LogEntry(index, 1, LogEntry.Type.NORMAL, new byte[] {(byte) index});
    }

    @Test
    void entriesAndTheHardStateAfterThemAreDurableAfterOneForce() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.append(List.of(entry(1))).join();
            long before = dir.forces();
            log.append(List.of(entry(2), entry(3)), new HardState(1, "", 3)).join();
            assertEquals(1, dir.forces() - before, "one force covers the entries and the hard state");
            assertEquals(new HardState(1, "", 3), log.hardState());
            assertEquals(3, log.lastIndex());
        }
        SimulatedDirectory survived = dir.powerLoss(new Random(1), false);
        try (SegmentedLogStorage log = WalFixtures.open(survived)) {
            assertEquals(new HardState(1, "", 3), log.hardState(), "acknowledged, so it survives a power loss");
            assertEquals(3, log.lastIndex());
        }
    }

    @Test
    void anEmptyAppendStillRecordsTheHardState() {
        SimulatedDirectory dir = new SimulatedDirectory();
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            log.append(List.of(entry(1))).join();
            log.append(List.of(), new HardState(2, "n1", 1)).join();
            assertEquals(new HardState(2, "n1", 1), log.hardState());
        }
        try (SegmentedLogStorage log = WalFixtures.open(dir)) {
            assertEquals(new HardState(2, "n1", 1), log.hardState());
        }
    }
}
