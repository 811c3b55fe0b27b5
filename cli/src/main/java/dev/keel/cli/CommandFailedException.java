package dev.keel.cli;

import dev.keel.storage.api.KeelException;

/**
 * A command could not do what it was asked, for a reason its message states completely (a missing
 * file, a directory it refuses to touch, a store that is not in the state the command needs).
 * {@link Keel} prints the message as one {@code keel: error: ...} line and exits with 1.
 */
public class CommandFailedException extends KeelException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do about it */
    public CommandFailedException(String message) {
        super(message);
    }

    /**
     * @param message what failed and what to do about it
     * @param cause the underlying failure
     */
    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
