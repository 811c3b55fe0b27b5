package dev.keel.raft.metrics;

import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns cold-start reports into Micrometer meters (SPEC section 3):
 * <ul>
 *   <li>{@code keel_cold_start_total{store,outcome,reason}} — one count per successful open;</li>
 *   <li>{@code keel_cold_start_gap{store}} — how far the state was behind the last log index at
 *       its latest open ({@code L - have}; -1 when unknown);</li>
 *   <li>{@code keel_cold_start_seconds{store,outcome}} — time from the start of restore-or-skip to
 *       the effective applied index;</li>
 *   <li>{@code keel_snapshot_scrub_total{store,result}} — background scrubs, passed or failed.</li>
 * </ul>
 * Register it as the engine's observer (or chain it from one). Micrometer is an optional
 * dependency of this module: only nodes that use this class need it on their class path.
 *
 * <p>Thread-safe: reports may arrive from the open thread and the scrub thread.
 */
public final class ColdStartMetrics implements ColdStartObserver {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gaps = new ConcurrentHashMap<>();

    /** @param registry where the meters are registered */
    public ColdStartMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onOpen(ColdStartReport report) {
        Counter.builder("keel_cold_start_total")
                .description("Successful opens by cold-start outcome")
                .tag("store", report.store())
                .tag("outcome", report.outcome().name())
                .tag("reason", report.reason().label())
                .register(registry)
                .increment();
        gaps.computeIfAbsent(report.store(), store -> {
            AtomicLong gap = new AtomicLong(-1);
            Gauge.builder("keel_cold_start_gap", gap, AtomicLong::get)
                    .description("Entries the state was behind the log at its latest open (-1: unknown)")
                    .tag("store", store)
                    .register(registry);
            return gap;
        }).set(report.gap());
        Timer.builder("keel_cold_start_seconds")
                .description("Time from the start of restore-or-skip to the effective applied index")
                .tag("store", report.store())
                .tag("outcome", report.outcome().name())
                .register(registry)
                .record(report.elapsed());
    }

    @Override
    public void onScrub(ScrubReport report) {
        Counter.builder("keel_snapshot_scrub_total")
                .description("Background snapshot scrubs by result")
                .tag("store", report.store())
                .tag("result", report.passed() ? "passed" : "failed")
                .register(registry)
                .increment();
    }
}
