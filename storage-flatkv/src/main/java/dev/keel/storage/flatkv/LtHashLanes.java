package dev.keel.storage.flatkv;

import dev.keel.storage.api.Commitment;
import dev.keel.storage.flatkv.lthash.LtHash16;

/**
 * The store's view of LtHash16 lane vectors: the 2048-byte little-endian form kept per version,
 * folded with the {@code int[1024]} deltas that {@link CommitHasher} sums. Stateless and
 * thread-safe.
 */
final class LtHashLanes {
    static final int LANES = 1024;

    private LtHashLanes() {
    }

    /** @return {@code lanes + delta}, lane-wise mod 2^16, as 2048 little-endian bytes */
    static byte[] add(byte[] lanes, int[] delta) {
        LtHash16 sum = LtHash16.fromBytes(lanes);
        sum.addLanes(delta);
        return sum.toBytes();
    }

    /** @return the lane sums as 2048 little-endian bytes (mod 2^16) */
    static byte[] toBytes(int[] lanes) {
        LtHash16 sum = new LtHash16();
        sum.addLanes(lanes);
        return sum.toBytes();
    }

    /** @return the commitment of a lane vector: BLAKE3-256 of its 2048 bytes */
    static Commitment commitment(byte[] lanes) {
        return new Commitment(Commitment.LTHASH16_BLAKE3, LtHash16.fromBytes(lanes).checksum());
    }
}
