package dev.keel.faults;

import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * The LtHash16 commitment of a set of pairs computed from scratch with Bouncy Castle's BLAKE3,
 * sharing no code with flatkv: a third opinion when a node's commitment and the model store's
 * disagree. Slow (one 2 KiB XOF per pair); for failure reports only. Stateless and thread-safe.
 */
final class ReferenceLtHash {
    private static final int LANES = 1024;

    private ReferenceLtHash() {
    }

    /** @return {@code lthash16-blake3} of the pairs: BLAKE3-256 of the lane-wise sum of their element hashes */
    static Commitment of(Iterable<KeyValue> pairs) {
        short[] lanes = new short[LANES];
        byte[] element = new byte[2 * LANES];
        for (KeyValue kv : pairs) {
            byte[] key = kv.key();
            byte[] value = kv.value();
            byte[] message = ByteBuffer.allocate(8 + key.length + value.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(key.length).put(key).putInt(value.length).put(value).array();
            Blake3Digest xof = new Blake3Digest(256);
            xof.update(message, 0, message.length);
            xof.doFinal(element, 0, element.length);
            ByteBuffer e = ByteBuffer.wrap(element).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < LANES; i++) {
                lanes[i] += e.getShort(2 * i);
            }
        }
        ByteBuffer laneBytes = ByteBuffer.allocate(2 * LANES).order(ByteOrder.LITTLE_ENDIAN);
        for (short lane : lanes) {
            laneBytes.putShort(lane);
        }
        Blake3Digest hash = new Blake3Digest(256);
        hash.update(laneBytes.array(), 0, laneBytes.capacity());
        byte[] out = new byte[32];
        hash.doFinal(out, 0);
        return new Commitment(Commitment.LTHASH16_BLAKE3, out);
    }
}
