package dev.keel.storage.api.coldstart;

import dev.keel.storage.api.KeelException;

/**
 * The cold-start gate refused to open: restoring or replaying could lose acknowledged data, or
 * the log cannot bring the state up to date. Nothing was modified. Each subclass names one row of
 * the gate's decision table. Immutable and thread-safe.
 */
public class ColdStartException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message the gate's inputs and the rule that refused */
    public ColdStartException(String message) {
        super(message);
    }
}
