package dev.keel.storage.flatkv;

/**
 * Byte layouts of the keys flatkv writes besides the state's own: big-endian version numbers
 * ({@code versions}, and the settings in {@code default}) and history chunk keys
 * {@code u64be(version) ‖ u32be(chunk)}, so one version's history is a contiguous, ordered range.
 * Stateless and thread-safe.
 */
final class Keys {
    private Keys() {
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        putU64(b, 0, v);
        return b;
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getU64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** @return the key of chunk {@code chunk} of version {@code version}'s history */
    static byte[] historyChunk(long version, int chunk) {
        byte[] out = new byte[12];
        putU64(out, 0, version);
        out[8] = (byte) (chunk >>> 24);
        out[9] = (byte) (chunk >>> 16);
        out[10] = (byte) (chunk >>> 8);
        out[11] = (byte) chunk;
        return out;
    }

    /** @return the version of a history chunk key; throws on a malformed one */
    static long historyVersion(byte[] chunkKey) {
        if (chunkKey.length != 12) {
            throw new IllegalArgumentException("history key of " + chunkKey.length + " bytes, expected 12");
        }
        return getU64(chunkKey, 0);
    }
}
