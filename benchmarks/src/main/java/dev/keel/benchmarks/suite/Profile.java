package dev.keel.benchmarks.suite;

import java.util.Locale;
import org.openjdk.jmh.annotations.Mode;

/**
 * How long and how big the suite runs. Each profile maps every {@link BenchmarkGroup} to the
 * {@link RunSettings} its JMH run gets.
 *
 * <ul>
 *   <li>{@link #QUICK}: small sizes and short iterations, the whole suite in minutes on two cores;
 *       ratios are indicative, absolute numbers below SPEC section 7's sizes;</li>
 *   <li>{@link #FULL}: SPEC section 7's sizes (64 MiB and 1 GiB snapshots, 1M keys, 128 B and
 *       1 KiB entries) with each class's own iterations; one to two hours, and about 3 GiB of
 *       temporary disk for the 1 GiB cold start;</li>
 *   <li>{@link #SMOKE}: every benchmark once with tiny parameters, in this JVM (no forks), one short
 *       iteration: proves the suite and the report work, measures nothing worth reading.</li>
 * </ul>
 */
public enum Profile {
    /** Minutes; small sizes. */
    QUICK,
    /** SPEC section 7's sizes. */
    FULL,
    /** Seconds; tiny sizes, no forks; for the build's smoke test. */
    SMOKE;

    /** @return the profile's name as given on the command line */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id {@code quick}, {@code full} or {@code smoke}
     * @return the profile
     * @throws IllegalArgumentException for any other name
     */
    public static Profile byId(String id) {
        for (Profile p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no profile '" + id + "'; use quick, full or smoke");
    }

    /**
     * @param group a benchmark group
     * @return what this profile runs of it
     */
    public RunSettings settings(BenchmarkGroup group) {
        return switch (this) {
            case QUICK -> quick(group);
            case FULL -> full(group);
            case SMOKE -> smoke(group);
        };
    }

    private static RunSettings quick(BenchmarkGroup group) {
        RunSettings s = RunSettings.annotated();
        return switch (group) {
            case COLD_START -> s.param("size", "16", "64").warmup(1, 0).measurement(3, 0);
            case SNAPSHOT_EXPORT -> s.param("size", "64").warmup(1, 0).measurement(3, 0);
            case WAL_APPEND -> s.param("entryBytes", "128").warmup(1, 1).measurement(2, 2);
            case COMMIT_THROUGHPUT -> s.param("preload", "100000").param("sync", "false").warmup(1, 2).measurement(3, 2);
            case LOGICAL_DIGEST -> s.param("keys", "100000").operationsPerInvocation(100_000).warmup(1, 2).measurement(2, 2);
            case PARITY_REPLAY -> s.warmup(1, 2).measurement(2, 2);
            case PROOFS -> s.param("keys", "100000").warmup(1, 1).measurement(2, 2);
            case ENGINE_PROPOSALS -> s.warmup(1, 2).measurement(2, 3);
        };
    }

    private static RunSettings full(BenchmarkGroup group) {
        RunSettings s = RunSettings.annotated();
        return switch (group) {
            case COLD_START, SNAPSHOT_EXPORT -> s.param("size", "64", "1024");
            case WAL_APPEND, COMMIT_THROUGHPUT, PARITY_REPLAY, PROOFS, ENGINE_PROPOSALS -> s;
            case LOGICAL_DIGEST -> s.param("keys", "1000000").operationsPerInvocation(1_000_000);
        };
    }

    private static RunSettings smoke(BenchmarkGroup group) {
        RunSettings s = RunSettings.annotated().forks(0).warmup(0, 0.05).measurement(1, 0.1);
        return switch (group) {
            // Cold start needs two blocks of records, so that the snapshot is ahead of the restore target.
            case COLD_START -> s.param("size", "9");
            case SNAPSHOT_EXPORT -> s.param("size", "1");
            case WAL_APPEND -> s.param("entryBytes", "128").modes(Mode.Throughput);
            case COMMIT_THROUGHPUT -> s.param("preload", "2000").param("sync", "false");
            case LOGICAL_DIGEST -> s.param("keys", "2000").operationsPerInvocation(2_000);
            case PARITY_REPLAY -> s.param("every", "100");
            case PROOFS -> s.param("keys", "2000");
            case ENGINE_PROPOSALS -> s.param("keySpace", "1000");
        };
    }
}
