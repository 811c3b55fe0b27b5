package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.FallbackReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateExpectationTest {
    private static ChildEvent.Ready report(ColdStartOutcome o, FallbackReason r, long si, long have, long last, long floor,
                                           long commit) {
        return new ChildEvent.Ready(o, r, si, have, last, floor, commit);
    }

    @Test
    void reportsTheTableAllowsPass() {
        WalProbe noSnapshot = new WalProbe(1, 40, 38, -1);
        WalProbe snapshot = new WalProbe(30, 40, 40, 32);
        assertEquals(List.of(), GateExpectation.violations(WalProbe.NO_LOG,
                report(ColdStartOutcome.FRESH, FallbackReason.NONE, -1, -1, 0, 0, 0), 0));
        assertEquals(List.of(), GateExpectation.violations(noSnapshot,
                report(ColdStartOutcome.RESUMED, FallbackReason.NONE, -1, 35, 40, 35, 38), 20));
        assertEquals(List.of(), GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 32, 39, 40, 39, 40), 20));
        assertEquals(List.of(), GateExpectation.violations(snapshot,
                report(ColdStartOutcome.EXECUTED, FallbackReason.NONE, 32, 25, 40, 32, 40), 20));
        assertEquals(List.of(), GateExpectation.violations(snapshot,
                report(ColdStartOutcome.FALLBACK, FallbackReason.MISSING_META, 32, -1, 40, 32, 40), 0));
    }

    @Test
    void reportsTheTableForbidsAreNamed() {
        WalProbe snapshot = new WalProbe(30, 40, 40, 32);
        assertTrue(GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 32, 25, 40, 25, 40), 20).get(0)
                .contains("the table gives EXECUTED"), "a store behind the snapshot must be restored");
        assertTrue(GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 32, 41, 40, 41, 41), 0).get(0)
                .contains("AHEAD_OF_LOG"));
        assertTrue(String.join(";", GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 32, 35, 40, 35, 40), 36))
                .contains("behind 36"), "a store that lost a cleanly closed version");
        assertTrue(String.join(";", GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 31, 35, 40, 35, 40), 0))
                .contains("token is at 32"));
        assertTrue(String.join(";", GateExpectation.violations(snapshot,
                report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 32, 35, 40, 35, 35), 0))
                .contains("commit index 35"));
        assertTrue(String.join(";", GateExpectation.violations(snapshot,
                report(ColdStartOutcome.FRESH, FallbackReason.NONE, 32, -1, 40, 0, 40), 0))
                .contains("FALLBACK/missing_meta"));
    }
}
