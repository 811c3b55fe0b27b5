package dev.keel.storage.tree;

/** Go's {@code encoding/binary} varints, as IAVL hashes them: unsigned LEB128 and zigzag-signed. */
final class Varints {
    private Varints() {
    }

    static int putUnsigned(byte[] buf, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    static int putZigZag(byte[] buf, int pos, long v) {
        return putUnsigned(buf, pos, (v << 1) ^ (v >> 63));
    }
}
