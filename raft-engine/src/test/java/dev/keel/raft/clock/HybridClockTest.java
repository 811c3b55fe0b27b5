package dev.keel.raft.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {
    @Test
    void packsFortyEightBitMillisAndSixteenBitLogical() {
        long t = HybridClock.pack(1_700_000_000_123L, 42);
        assertEquals(1_700_000_000_123L, HybridClock.physical(t));
        assertEquals(42, HybridClock.logical(t));
        assertTrue(HybridClock.pack(5, 0) > HybridClock.pack(4, HybridClock.MAX_LOGICAL));
        assertThrows(IllegalArgumentException.class, () -> HybridClock.pack(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> HybridClock.pack(0, 1 << 16));
    }

    @Test
    void ceilingOnlyRises() {
        HybridClock clock = new HybridClock(() -> 0);
        assertTrue(clock.raiseCeiling(100));
        assertFalse(clock.raiseCeiling(50));
        assertEquals(100, clock.ceiling());
    }

    @Test
    void issuesOnlyUnderALeaseAndStrictlyIncreasing() {
        AtomicLong wall = new AtomicLong(1000);
        HybridClock clock = new HybridClock(wall::get);
        assertTrue(clock.tryNow().isEmpty(), "no lease yet");
        clock.raiseCeiling(clock.leaseTarget(10));
        long a = clock.tryNow().orElseThrow();
        long b = clock.tryNow().orElseThrow();
        assertEquals(HybridClock.pack(1000, 0), a);
        assertEquals(HybridClock.pack(1000, 1), b, "same millisecond: the logical counter advances");
        wall.set(2000);
        assertTrue(clock.tryNow().isEmpty(), "the wall clock passed the lease");
    }

    @Test
    void afterRecoveryEveryTimestampExceedsTheRecoveredCeiling() {
        HybridClock clock = new HybridClock(() -> 0);
        long recovered = HybridClock.pack(5000, 7);
        clock.raiseCeiling(recovered);
        clock.fenceAtCeiling();
        assertTrue(clock.tryNow().isEmpty(), "the previous run may have issued up to the ceiling");
        clock.raiseCeiling(clock.leaseTarget(100));
        assertTrue(clock.tryNow().orElseThrow() > recovered);
    }
}
