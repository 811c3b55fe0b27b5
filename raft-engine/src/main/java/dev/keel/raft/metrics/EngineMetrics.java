package dev.keel.raft.metrics;

import dev.keel.raft.engine.EngineListener;
import dev.keel.raft.wal.WalListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WAL and apply metrics of one engine as Micrometer meters, all tagged {@code store}:
 * <ul>
 *   <li>{@code keel_wal_batches_total}, {@code keel_wal_records_total}, {@code keel_wal_entries_total},
 *       {@code keel_wal_bytes_total} — durable batches (one write and one force each), and what they held;</li>
 *   <li>{@code keel_wal_force_seconds} — time per {@code force}; {@code keel_wal_batch_entries} — entries per batch
 *       (group-commit effect);</li>
 *   <li>{@code keel_wal_segments_created_total}, {@code keel_wal_segments_compacted_total};
 *       {@code keel_wal_failed} — 1 once the WAL failed closed;</li>
 *   <li>{@code keel_apply_entries_total{kind}} — {@code applied}, {@code duplicate} (skipped) and
 *       {@code volatile_reapplied}; {@code keel_apply_seconds} — state machine time per applied entry;</li>
 *   <li>{@code keel_applied_index}, {@code keel_commit_index} — gauges;</li>
 *   <li>{@code keel_proposal_seconds} — propose to completion; {@code keel_snapshot_seconds} and
 *       {@code keel_snapshot_bytes} — snapshots written.</li>
 * </ul>
 * Pass the same instance to {@code Engine.Builder.walListener} and {@code Engine.Builder.listener}.
 * Cold-start reports have their own binding, {@link ColdStartMetrics}. Micrometer is an optional
 * dependency of this module: only nodes that use this class need it.
 *
 * <p>Thread-safe: the WAL writer thread and the engine thread call it concurrently.
 */
public final class EngineMetrics implements WalListener, EngineListener {
    private final Counter batches;
    private final Counter records;
    private final Counter entries;
    private final Counter bytes;
    private final Timer force;
    private final DistributionSummary batchEntries;
    private final Counter segmentsCreated;
    private final Counter segmentsCompacted;
    private final AtomicLong failed = new AtomicLong();
    private final Counter applied;
    private final Counter duplicates;
    private final Counter reapplied;
    private final Timer apply;
    private final AtomicLong appliedIndex = new AtomicLong();
    private final AtomicLong commitIndex = new AtomicLong();
    private final Timer proposal;
    private final Timer snapshot;
    private final DistributionSummary snapshotBytes;

    /**
     * @param registry where the meters are registered
     * @param store the store's name (the {@code store} tag)
     */
    public EngineMetrics(MeterRegistry registry, String store) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(store, "store");
        batches = counter(registry, "keel_wal_batches_total", "Durable WAL batches (one write and one force each)", store);
        records = counter(registry, "keel_wal_records_total", "WAL records made durable", store);
        entries = counter(registry, "keel_wal_entries_total", "WAL entries made durable", store);
        bytes = counter(registry, "keel_wal_bytes_total", "Bytes written to the WAL", store);
        force = Timer.builder("keel_wal_force_seconds").description("Time per WAL force").tag("store", store)
                .register(registry);
        batchEntries = DistributionSummary.builder("keel_wal_batch_entries").description("Entries per durable WAL batch")
                .tag("store", store).register(registry);
        segmentsCreated = counter(registry, "keel_wal_segments_created_total", "WAL segments created", store);
        segmentsCompacted = counter(registry, "keel_wal_segments_compacted_total", "WAL segments deleted by compaction", store);
        Gauge.builder("keel_wal_failed", failed, AtomicLong::get).description("1 once the WAL failed closed")
                .tag("store", store).register(registry);
        applied = Counter.builder("keel_apply_entries_total").description("Entries met by the apply loop")
                .tag("store", store).tag("kind", "applied").register(registry);
        duplicates = Counter.builder("keel_apply_entries_total").description("Entries met by the apply loop")
                .tag("store", store).tag("kind", "duplicate").register(registry);
        reapplied = Counter.builder("keel_apply_entries_total").description("Entries met by the apply loop")
                .tag("store", store).tag("kind", "volatile_reapplied").register(registry);
        apply = Timer.builder("keel_apply_seconds").description("State machine time per applied entry")
                .tag("store", store).register(registry);
        Gauge.builder("keel_applied_index", appliedIndex, AtomicLong::get).description("The applied index")
                .tag("store", store).register(registry);
        Gauge.builder("keel_commit_index", commitIndex, AtomicLong::get).description("The commit index")
                .tag("store", store).register(registry);
        proposal = Timer.builder("keel_proposal_seconds").description("Time from propose to completion")
                .tag("store", store).register(registry);
        snapshot = Timer.builder("keel_snapshot_seconds").description("Time to write, record and compact a snapshot")
                .tag("store", store).register(registry);
        snapshotBytes = DistributionSummary.builder("keel_snapshot_bytes").description("Snapshot file length")
                .baseUnit("bytes").tag("store", store).register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String store) {
        return Counter.builder(name).description(description).tag("store", store).register(registry);
    }

    @Override
    public void batchCommitted(int recordCount, int entryCount, long byteCount, long forceNanos) {
        batches.increment();
        records.increment(recordCount);
        entries.increment(entryCount);
        bytes.increment(byteCount);
        force.record(forceNanos, TimeUnit.NANOSECONDS);
        batchEntries.record(entryCount);
    }

    @Override
    public void segmentCreated(long sequence) {
        segmentsCreated.increment();
    }

    @Override
    public void segmentsCompacted(int segments) {
        segmentsCompacted.increment(segments);
    }

    @Override
    public void failed(Throwable cause) {
        failed.set(1);
    }

    @Override
    public void applied(long index, long nanos) {
        applied.increment();
        apply.record(nanos, TimeUnit.NANOSECONDS);
        appliedIndex.set(index);
    }

    @Override
    public void duplicate(long index, boolean wasReapplied) {
        (wasReapplied ? reapplied : duplicates).increment();
    }

    @Override
    public void committed(long index) {
        commitIndex.set(index);
    }

    @Override
    public void proposalCompleted(long nanos) {
        proposal.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void snapshotWritten(long index, long length, long nanos) {
        snapshot.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.record(length);
    }
}
