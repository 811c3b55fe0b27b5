package dev.keel.storage.api.coldstart;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of a background scrub (the full-body CRC check) after a SKIPPED open with policy
 * {@link VerificationPolicy#HEADER}. Immutable and thread-safe.
 *
 * @param store the store name, as in its {@link ColdStartReport}
 * @param snapshotIndex the scrubbed snapshot's index
 * @param passed true when the body matched its footer
 * @param failure the failure's message when it did not pass, empty otherwise
 * @param bytesRead bytes read by the scrub
 * @param elapsed how long the scrub took
 */
public record ScrubReport(String store, long snapshotIndex, boolean passed, String failure, long bytesRead,
                          Duration elapsed) {
    /** @throws NullPointerException if an object argument is null */
    public ScrubReport {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
