package dev.keel.cli.replay;

import dev.keel.storage.api.KeelException;

/**
 * A line of an operations file is not a valid operation. The batch it belongs to is not
 * committed; the batches before it are.
 *
 * <p>Immutable and thread-safe.
 */
public class OperationsFormatException extends KeelException {
    private static final long serialVersionUID = 1L;

    private final int line;

    /**
     * @param line the 1-based line number
     * @param problem what is wrong with the line
     */
    public OperationsFormatException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** @return the 1-based number of the bad line */
    public int line() {
        return line;
    }
}
