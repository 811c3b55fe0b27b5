package dev.keel.raft.statemachine;

import dev.keel.storage.api.KeelException;

/**
 * A log entry's payload is not a well-formed {@link Command}: an unknown version or kind, a length
 * that runs past the payload or past a limit, trailing bytes. Raised before anything is allocated
 * for the bad field, and before anything is applied. Immutable and thread-safe.
 */
public final class MalformedCommandException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * @param offset the byte offset of the bad field within the payload
     * @param message what is wrong, with the expected and actual values
     */
    public MalformedCommandException(int offset, String message) {
        super("malformed command at offset " + offset + ": " + message);
        this.offset = offset;
    }

    /** @return the byte offset of the bad field */
    public int offset() {
        return offset;
    }
}
