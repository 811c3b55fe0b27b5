package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;

/**
 * One line of the report's table: a figure of one benchmark group, what it is compared with, the
 * ratio between the two, the target and the verdict. Cells are already formatted.
 *
 * @param group the benchmark group
 * @param figure what is measured, with its size ("skip-FULL, 64 MiB")
 * @param measured the measured value with its unit
 * @param comparator the ceiling or peer it is compared with, with its value; "—" if none
 * @param ratio measured against comparator (or target); "—" if none
 * @param target the target (SPEC section 7), or "—"
 * @param verdict met, missed, no target or no data
 */
public record Row(BenchmarkGroup group, String figure, String measured, String comparator, String ratio, String target,
                  Verdict verdict) {
    /** The table's mark for an empty cell. */
    public static final String NONE = "—";

    /**
     * @param group the benchmark group
     * @param figure the figure that has no result
     * @param target its target, or {@link #NONE}
     * @return a row saying the run has no result for it
     */
    public static Row noData(BenchmarkGroup group, String figure, String target) {
        return new Row(group, figure, NONE, NONE, NONE, target, Verdict.NO_DATA);
    }
}
