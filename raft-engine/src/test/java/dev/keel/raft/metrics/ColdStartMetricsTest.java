package dev.keel.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keel.storage.api.coldstart.ColdStartOutcome;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.FallbackReason;
import dev.keel.storage.api.coldstart.ScrubReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ColdStartMetricsTest {
    private static ColdStartReport report(ColdStartOutcome outcome, FallbackReason reason, long have, long last) {
        return new ColdStartReport("node-a", outcome, reason, 10, have, last, Math.max(0, have), last, 0, Duration.ofMillis(3));
    }

    @Test
    void opensAreCountedByOutcomeAndReasonAndTheGapFollowsTheLatestOpen() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ColdStartMetrics metrics = new ColdStartMetrics(registry);
        metrics.onOpen(report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 40, 50));
        metrics.onOpen(report(ColdStartOutcome.SKIPPED, FallbackReason.NONE, 48, 50));
        metrics.onOpen(report(ColdStartOutcome.FALLBACK, FallbackReason.MISSING_META, -1, 50));

        assertEquals(2.0, registry.get("keel_cold_start_total").tags("store", "node-a", "outcome", "SKIPPED", "reason", "none")
                .counter().count());
        assertEquals(1.0, registry.get("keel_cold_start_total").tags("outcome", "FALLBACK", "reason", "missing_meta")
                .counter().count());
        assertEquals(-1.0, registry.get("keel_cold_start_gap").tag("store", "node-a").gauge().value(),
                "the latest open did not know the state's position");
        assertEquals(2, registry.get("keel_cold_start_seconds").tags("outcome", "SKIPPED").timer().count());
    }

    @Test
    void gapGaugeShowsHowFarTheStateWasBehind() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ColdStartMetrics(registry).onOpen(report(ColdStartOutcome.RESUMED, FallbackReason.NONE, 42, 50));
        assertEquals(8.0, registry.get("keel_cold_start_gap").tag("store", "node-a").gauge().value());
    }

    @Test
    void scrubsAreCountedByResult() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ColdStartMetrics metrics = new ColdStartMetrics(registry);
        metrics.onScrub(new ScrubReport("node-a", 10, true, "", 100, Duration.ofMillis(1)));
        metrics.onScrub(new ScrubReport("node-a", 10, false, "checksum", 100, Duration.ofMillis(1)));
        metrics.onScrub(new ScrubReport("node-a", 10, false, "checksum", 100, Duration.ofMillis(1)));
        assertEquals(1.0, registry.get("keel_snapshot_scrub_total").tag("result", "passed").counter().count());
        assertEquals(2.0, registry.get("keel_snapshot_scrub_total").tag("result", "failed").counter().count());
    }
}
