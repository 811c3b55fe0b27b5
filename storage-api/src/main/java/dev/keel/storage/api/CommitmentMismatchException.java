package dev.keel.storage.api;

/**
 * A rebuilt state does not hash to the commitment it was supposed to have: an import whose
 * records do not yield the commitment named by the export, or a replica that diverged.
 *
 * <p>When raised by an import the target store has been left as it was before the import
 * (empty, or the previous live state for a replacing import).
 *
 * <p>Immutable and thread-safe.
 */
public class CommitmentMismatchException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final Commitment expected;
    private final Commitment actual;

    /**
     * @param version the version whose commitment was checked
     * @param expected the commitment that was named
     * @param actual the commitment that the data yields
     */
    public CommitmentMismatchException(long version, Commitment expected, Commitment actual) {
        super("commitment mismatch at version " + version + ": expected " + expected + ", computed " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the commitment that was named */
    public Commitment expected() {
        return expected;
    }

    /** @return the commitment the data yields */
    public Commitment actual() {
        return actual;
    }
}
