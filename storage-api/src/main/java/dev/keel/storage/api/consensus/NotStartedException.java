package dev.keel.storage.api.consensus;

import dev.keel.storage.api.KeelException;

/**
 * A call needs a started engine, and cold start (gate, restore, replay) has not finished yet.
 * Wait for the engine's {@code ready()} future. Immutable and thread-safe.
 */
public class NotStartedException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param operation the call that was made too early */
    public NotStartedException(String operation) {
        super(operation + " needs a started engine; cold start has not finished (wait for ready())");
    }
}
