package dev.keel.storage.flatkv.lthash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * The independent oracle: Bouncy Castle's general-purpose BLAKE3 and a literal, allocate-freely
 * rendering of the LtHash16 construction on top of it.
 */
final class BouncyCastleReference {

    private BouncyCastleReference() {
    }

    static byte[] xof(byte[] input, int outLen) {
        Blake3Digest d = new Blake3Digest(256);
        d.update(input, 0, input.length);
        byte[] out = new byte[outLen];
        d.doFinal(out, 0, outLen);
        return out;
    }

    static byte[] hash(byte[] input) {
        Blake3Digest d = new Blake3Digest(256);
        d.update(input, 0, input.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value}, built as one array. */
    static byte[] serialise(byte[] key, byte[] value) {
        return ByteBuffer.allocate(8 + key.length + value.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(key.length).put(key).putInt(value.length).put(value).array();
    }

    static byte[] elementHash(byte[] key, byte[] value) {
        return xof(serialise(key, value), 2048);
    }

    /** Lane vector bytes after adding (sign 1) or subtracting (sign -1) an element's hash. */
    static void apply(byte[] laneBytes, byte[] key, byte[] value, int sign) {
        byte[] e = elementHash(key, value);
        ByteBuffer lanes = ByteBuffer.wrap(laneBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer add = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
            lanes.putShort(2 * i, (short) (lanes.getShort(2 * i) + sign * add.getShort(2 * i)));
        }
    }
}
