package dev.keel.storage.tree;

import dev.keel.storage.api.KeelException;

/**
 * Bytes given as an ICS23 {@code CommitmentProof} do not decode: a truncated or over-long field, a
 * length beyond the bytes left, a wire type the schema does not allow, a missing required part, or
 * a batch or compressed proof (which Keel does not accept).
 *
 * <p>Immutable and thread-safe.
 */
public class MalformedProofException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * @param offset the byte offset in the proof where decoding failed
     * @param message what was expected there
     */
    public MalformedProofException(int offset, String message) {
        super("malformed ICS23 proof at byte " + offset + ": " + message);
        this.offset = offset;
    }

    /** @return the byte offset in the proof where decoding failed */
    public int offset() {
        return offset;
    }
}
