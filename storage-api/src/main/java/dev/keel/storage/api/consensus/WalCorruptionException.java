package dev.keel.storage.api.consensus;

import dev.keel.storage.api.CorruptionException;
import java.nio.file.Path;

/**
 * The write-ahead log failed a check that a torn write cannot explain: a bit flip in a complete
 * record, a broken CRC chain, a gap, a bad segment header. Nothing opens; an operator restores
 * the node. Immutable and thread-safe.
 */
public class WalCorruptionException extends CorruptionException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param segment the damaged segment file
     * @param offset the byte offset of the first bad record, or -1
     * @param message what check failed
     */
    public WalCorruptionException(Path segment, long offset, String message) {
        super(segment, (offset >= 0 ? "at offset " + offset + ": " : "") + message);
        this.offset = offset;
    }

    /** @return the byte offset of the first bad record, or -1 */
    public long offset() {
        return offset;
    }
}
