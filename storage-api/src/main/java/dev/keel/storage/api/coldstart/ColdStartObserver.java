package dev.keel.storage.api.coldstart;

/**
 * Optional capability of a state machine (or a listener given to the engine): is told how each
 * open went. Receives exactly one {@link ColdStartReport} per successful open, after the outcome
 * succeeded (none when the open fails), and one {@link ScrubReport} when a background scrub ends.
 *
 * <p>Called from the engine's open thread (reports) or its scrub thread (scrub reports);
 * implementations must be quick and must not throw.
 */
public interface ColdStartObserver {
    /** @param report what the open did */
    void onOpen(ColdStartReport report);

    /** @param report how a background scrub ended; ignored by default */
    default void onScrub(ScrubReport report) {
    }
}
