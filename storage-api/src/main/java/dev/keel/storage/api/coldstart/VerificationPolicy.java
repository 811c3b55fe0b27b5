package dev.keel.storage.api.coldstart;

/**
 * How much of a snapshot is verified before a SKIPPED open becomes ready. Thread-safe (an enum).
 */
public enum VerificationPolicy {
    /**
     * Length, token and header checks (1–3) before ready, in time independent of the snapshot's
     * size; the full-body CRC (check 4) runs as a background scrub whose result reaches the
     * observer, and every later use of the body verifies in full first. The default.
     */
    HEADER,
    /** All four checks before ready. */
    FULL
}
