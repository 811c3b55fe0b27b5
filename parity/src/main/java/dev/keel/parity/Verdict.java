package dev.keel.parity;

/** The outcome of a shard or of a whole parity run. */
public enum Verdict {
    /** Every compared version matched (for a run: every shard ran and passed, and the chain holds). */
    PASSED,
    /** Two stores held different logical state at some version, or shards do not chain. */
    DIVERGED,
    /** The shard stopped on an error before it could decide (no verdict on parity). */
    FAILED,
    /** The shard was not run here: never counted as passed. For a run: the rest passed. */
    NOT_RUN;

    /** @return the lower-case name used in manifests and reports */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * @param label a {@link #label()}
     * @return its verdict
     * @throws IllegalArgumentException if it names none
     */
    public static Verdict fromLabel(String label) {
        for (Verdict v : values()) {
            if (v.label().equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + label + "' (expected passed, diverged, failed or not-run)");
    }
}
