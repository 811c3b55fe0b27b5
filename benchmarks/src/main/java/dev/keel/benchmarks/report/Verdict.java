package dev.keel.benchmarks.report;

/** How a figure compares with its target, as the report's table spells it. */
public enum Verdict {
    /** The target is met in this run. */
    MET("met"),
    /** The target is not met in this run. */
    MISSED("MISSED"),
    /** The figure has no target; it is there for comparison. */
    NO_TARGET("no target"),
    /** The run has no result for the figure (not run, or the benchmark failed). */
    NO_DATA("no data");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** @return the table's wording */
    public String label() {
        return label;
    }

    /**
     * @param value a measured value or ratio
     * @param floor the least that meets the target
     * @return met if {@code value >= floor}
     */
    public static Verdict atLeast(double value, double floor) {
        return value >= floor ? MET : MISSED;
    }

    /**
     * @param value a measured value
     * @param ceiling the most that meets the target
     * @return met if {@code value <= ceiling}
     */
    public static Verdict atMost(double value, double ceiling) {
        return value <= ceiling ? MET : MISSED;
    }
}
