package dev.keel.snapshot.format;

import dev.keel.storage.api.crypto.Sealer;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Seals or opens body chunks with a {@link Sealer}. The associated data binds each box to its
 * place: {@code "KSNPCHNK" ‖ snapshot index (u64) ‖ snapshot term (u64) ‖ chunk number (u64) ‖
 * last-chunk flag (u8)}, so a chunk moved to another snapshot or position, a reordered body, a
 * body cut at a chunk boundary or a chunk replayed from elsewhere fails to open. Immutable and
 * thread-safe when the sealer is.
 *
 * @param sealer the sealer
 * @param keyId the key the chunks are (to be) sealed with, positive
 */
public record ChunkSealing(Sealer sealer, int keyId) {
    private static final byte[] DOMAIN = {'K', 'S', 'N', 'P', 'C', 'H', 'N', 'K'};
    /** Length of the associated data. */
    static final int AAD_BYTES = DOMAIN.length + 8 + 8 + 8 + 1;

    /**
     * @throws NullPointerException if the sealer is null
     * @throws IllegalArgumentException if the key id is not positive or the sealer's overhead is
     *     out of range
     */
    public ChunkSealing {
        Objects.requireNonNull(sealer, "sealer");
        if (keyId <= 0) {
            throw new IllegalArgumentException("seal key id must be positive: " + keyId);
        }
        if (sealer.overhead() < 0 || sealer.overhead() > SnapshotFormat.MAX_SEAL_OVERHEAD) {
            throw new IllegalArgumentException("sealer overhead " + sealer.overhead() + " outside [0, "
                    + SnapshotFormat.MAX_SEAL_OVERHEAD + "]");
        }
    }

    static byte[] associatedData(long snapshotIndex, long snapshotTerm, long chunkNumber, boolean last) {
        return ByteBuffer.allocate(AAD_BYTES).put(DOMAIN).putLong(snapshotIndex).putLong(snapshotTerm)
                .putLong(chunkNumber).put((byte) (last ? 1 : 0)).array();
    }
}
