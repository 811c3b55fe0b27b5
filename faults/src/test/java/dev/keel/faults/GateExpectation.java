package dev.keel.faults;

import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.FallbackReason;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC section 3's decision table, restated for the crash campaign: given what the durable log
 * said before an open ({@link WalProbe}) and the store position the open reported ({@code have}),
 * which cold-start report the gate must have produced. A pure function.
 *
 * <p>Beyond the table, one campaign fact: the store never falls behind a version that was checked
 * and then closed cleanly ({@code verifiedIndex}), since a process crash loses no write the
 * operating system already has.
 */
final class GateExpectation {
    private GateExpectation() {
    }

    /**
     * @param probe the log before the open
     * @param r the open's report
     * @param verifiedIndex the applied index last checked and closed cleanly, 0 before the first check
     * @return every way the report departs from what the table allows; empty when it conforms
     */
    static List<String> violations(WalProbe probe, ChildEvent.Ready r, long verifiedIndex) {
        List<String> out = new ArrayList<>();
        long si = probe.snapshotIndex();
        long last = probe.last();
        long have = r.have();
        if (r.snapshotIndex() != si) {
            out.add("report names snapshot index " + r.snapshotIndex() + " but the log's token is at " + si);
        }
        if (r.lastIndex() != last) {
            out.add("report names L=" + r.lastIndex() + " but max(Llog, S.i) is " + last);
        }
        if (have > last) {
            out.add("the open succeeded with the store at " + have + " ahead of every durable entry (L=" + last
                    + "): the table says AHEAD_OF_LOG, a typed error");
            return out;
        }
        ColdStartOutcome outcome;
        FallbackReason reason = FallbackReason.NONE;
        long floor;
        if (si < 0) {
            outcome = have < 0 ? ColdStartOutcome.FRESH : ColdStartOutcome.RESUMED;
            floor = Math.max(have, 0);
        } else if (have < 0) {
            outcome = ColdStartOutcome.FALLBACK;
            reason = FallbackReason.MISSING_META;
            floor = si;
        } else if (have < si) {
            outcome = ColdStartOutcome.EXECUTED;
            floor = si;
        } else {
            outcome = ColdStartOutcome.SKIPPED;
            floor = have;
        }
        if (r.outcome() != outcome || r.reason() != reason) {
            out.add("outcome " + r.outcome() + "/" + r.reason().label() + " where the table gives " + outcome + "/"
                    + reason.label() + " for S.i=" + si + " have=" + have + " L=" + last);
        }
        if (r.floor() != floor) {
            out.add("floor " + r.floor() + " where the table gives " + floor);
        }
        long commit = Math.max(probe.commitIndex(), floor);
        if (r.commitIndex() != commit) {
            out.add("commit index " + r.commitIndex() + " where max(hard-state commit " + probe.commitIndex() + ", floor "
                    + floor + ") is " + commit);
        }
        if (verifiedIndex > 0 && have < verifiedIndex) {
            out.add("the store reports applied index " + have + ", behind " + verifiedIndex
                    + ", a version that was checked and closed cleanly before");
        }
        return out;
    }
}
