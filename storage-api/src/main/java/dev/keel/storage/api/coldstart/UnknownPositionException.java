package dev.keel.storage.api.coldstart;

/**
 * The state is not empty, its position is unknown (no reader, a read error, or no recorded
 * applied index) and no snapshot can replace it without risking acknowledged data. Immutable and
 * thread-safe.
 */
public class UnknownPositionException extends ColdStartException {
    private static final long serialVersionUID = 1L;

    /** @param message which input was missing and why the gate cannot fall back */
    public UnknownPositionException(String message) {
        super(message);
    }
}
