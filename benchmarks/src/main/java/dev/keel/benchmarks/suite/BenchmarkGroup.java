package dev.keel.benchmarks.suite;

import dev.keel.benchmarks.ColdStartBenchmark;
import dev.keel.benchmarks.CommitThroughputBenchmark;
import dev.keel.benchmarks.EngineProposalBenchmark;
import dev.keel.benchmarks.LogicalDigestBenchmark;
import dev.keel.benchmarks.ParityReplayBenchmark;
import dev.keel.benchmarks.ProofBenchmark;
import dev.keel.benchmarks.SnapshotExportBenchmark;
import dev.keel.benchmarks.WalAppendBenchmark;
import java.util.regex.Pattern;

/**
 * One benchmark class of the suite: what one JMH run covers, the JSON file it writes and the
 * title the report gives it. Every class in {@code dev.keel.benchmarks} has a group; the suite runs
 * them in this order.
 */
public enum BenchmarkGroup {
    /** Restore, skip-FULL and skip-HEADER against their ceilings (SPEC section 7). */
    COLD_START("cold-start", ColdStartBenchmark.class, "Cold start"),
    /** Snapshot export against sequential write bandwidth. */
    SNAPSHOT_EXPORT("snapshot-export", SnapshotExportBenchmark.class, "Snapshot export"),
    /** Durable WAL appends against RocksDB, SOFAJRaft and the device's force rate. */
    WAL_APPEND("wal-append", WalAppendBenchmark.class, "Durable WAL appends"),
    /** Commit throughput of both backends against the hashing ceiling. */
    COMMIT_THROUGHPUT("commit-throughput", CommitThroughputBenchmark.class, "Commit throughput"),
    /** The logical digest against raw SHA-256 over the same bytes. */
    LOGICAL_DIGEST("logical-digest", LogicalDigestBenchmark.class, "Logical digest"),
    /** Differential replay flatkv vs tree. */
    PARITY_REPLAY("parity-replay", ParityReplayBenchmark.class, "Parity replay"),
    /** ICS23 proofs on a tree store. */
    PROOFS("proofs", ProofBenchmark.class, "Proofs"),
    /** Proposals per second through the standalone engine. */
    ENGINE_PROPOSALS("engine-proposals", EngineProposalBenchmark.class, "Engine proposals");

    private final String id;
    private final Class<?> benchmarkClass;
    private final String title;

    BenchmarkGroup(String id, Class<?> benchmarkClass, String title) {
        this.id = id;
        this.benchmarkClass = benchmarkClass;
        this.title = title;
    }

    /** @return the group's short name, as given to {@code --only} and used for its JSON file */
    public String id() {
        return id;
    }

    /** @return the JMH benchmark class the group runs */
    public Class<?> benchmarkClass() {
        return benchmarkClass;
    }

    /** @return the benchmark class's simple name, as JMH's JSON and the report name it */
    public String className() {
        return benchmarkClass.getSimpleName();
    }

    /** @return the report's heading for the group */
    public String title() {
        return title;
    }

    /** @return the file the group's JMH JSON goes to, inside a results directory */
    public String resultFile() {
        return id + ".json";
    }

    /** @return the JMH include pattern selecting exactly this class's benchmarks */
    public String includePattern() {
        return "^" + Pattern.quote(benchmarkClass.getName() + ".");
    }

    /**
     * @param id a group's short name
     * @return the group
     * @throws IllegalArgumentException naming the known groups if there is none by that name
     */
    public static BenchmarkGroup byId(String id) {
        for (BenchmarkGroup g : values()) {
            if (g.id.equals(id)) {
                return g;
            }
        }
        StringBuilder known = new StringBuilder();
        for (BenchmarkGroup g : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(g.id);
        }
        throw new IllegalArgumentException("no benchmark group '" + id + "'; known groups: " + known);
    }
}
