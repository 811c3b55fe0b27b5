package dev.keel.storage.flatkv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Byte layouts of the keys in the history column families.
 *
 * <p>{@code hist} keys are {@code escaped(key) ‖ u64be(version)}: the escaping ({@code 00} becomes
 * {@code 00 FF}, then a {@code 00 01} terminator) keeps RocksDB's bytewise order equal to the
 * order of the raw keys and makes an escaped key never a prefix of another, so a seek to
 * {@code escaped(key) ‖ u64be(v + 1)} lands on the first change of exactly that key after
 * {@code v}. {@code changes} keys are {@code u64be(version)}, their values the list of keys that
 * version changed. Stateless and thread-safe.
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

    /** @return {@code escaped(key)} with its terminator and room for nothing else */
    static byte[] escape(byte[] key) {
        return escapeWithSuffix(key, 0);
    }

    /** @return {@code escaped(key) ‖ u64be(version)} */
    static byte[] history(byte[] key, long version) {
        byte[] out = escapeWithSuffix(key, 8);
        putU64(out, out.length - 8, version);
        return out;
    }

    private static byte[] escapeWithSuffix(byte[] key, int suffix) {
        int zeros = 0;
        for (byte b : key) {
            if (b == 0) {
                zeros++;
            }
        }
        byte[] out = new byte[key.length + zeros + 2 + suffix];
        int j = 0;
        for (byte b : key) {
            out[j++] = b;
            if (b == 0) {
                out[j++] = (byte) 0xFF;
            }
        }
        out[j++] = 0;
        out[j] = 1;
        return out;
    }

    /** @return the raw key of a {@code hist} key, or {@code null} if it is malformed */
    static byte[] historyKey(byte[] hist) {
        int end = hist.length - 8;
        if (end < 2) {
            return null;
        }
        byte[] out = new byte[end];
        int j = 0;
        int i = 0;
        while (i < end) {
            byte b = hist[i++];
            if (b != 0) {
                out[j++] = b;
                continue;
            }
            if (i >= end) {
                return null;
            }
            byte next = hist[i++];
            if (next == (byte) 0xFF) {
                out[j++] = 0;
            } else if (next == 1 && i == end) {
                return Arrays.copyOf(out, j);
            } else {
                return null;
            }
        }
        return null;
    }

    static long historyVersion(byte[] hist) {
        return getU64(hist, hist.length - 8);
    }

    /**
     * Encodes the keys one version changed, the value of its {@code changes} entry:
     * {@code (u32be length ‖ key)*}. One entry per version, rather than one per key, keeps a
     * commit's write batch to two entries per changed key plus the state itself.
     */
    static byte[] changedKeys(List<byte[]> keys) {
        int size = 0;
        for (byte[] k : keys) {
            size += 4 + k.length;
        }
        byte[] out = new byte[size];
        int off = 0;
        for (byte[] k : keys) {
            int n = k.length;
            out[off] = (byte) (n >>> 24);
            out[off + 1] = (byte) (n >>> 16);
            out[off + 2] = (byte) (n >>> 8);
            out[off + 3] = (byte) n;
            System.arraycopy(k, 0, out, off + 4, n);
            off += 4 + n;
        }
        return out;
    }

    /** @return the keys of a {@code changes} entry; throws on a malformed one */
    static List<byte[]> decodeChangedKeys(byte[] encoded) {
        List<byte[]> keys = new ArrayList<>();
        int off = 0;
        while (off < encoded.length) {
            if (encoded.length - off < 4) {
                throw new IllegalArgumentException("truncated key length at offset " + off);
            }
            int n = ((encoded[off] & 0xFF) << 24) | ((encoded[off + 1] & 0xFF) << 16)
                    | ((encoded[off + 2] & 0xFF) << 8) | (encoded[off + 3] & 0xFF);
            off += 4;
            if (n <= 0 || n > encoded.length - off) {
                throw new IllegalArgumentException("key length " + n + " out of bounds at offset " + (off - 4));
            }
            keys.add(Arrays.copyOfRange(encoded, off, off + n));
            off += n;
        }
        return keys;
    }

    /** Prior-value encoding in {@code hist}: {@code 00} absent, {@code 01 ‖ value} present. */
    static byte[] prior(byte[] value) {
        if (value == null) {
            return new byte[] {0};
        }
        byte[] out = new byte[value.length + 1];
        out[0] = 1;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    /** @return the value a prior encoding holds, {@code null} for absent; throws on a malformed one */
    static byte[] decodePrior(byte[] encoded) {
        if (encoded.length == 1 && encoded[0] == 0) {
            return null;
        }
        if (encoded.length >= 1 && encoded[0] == 1) {
            return Arrays.copyOfRange(encoded, 1, encoded.length);
        }
        throw new IllegalArgumentException("malformed history value (" + encoded.length + " bytes)");
    }
}
