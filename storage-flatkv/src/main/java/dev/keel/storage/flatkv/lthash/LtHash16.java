package dev.keel.storage.flatkv.lthash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The LtHash16 homomorphic multiset hash: 1,024 lanes of uint16 (2,048 bytes).
 *
 * <p>The element hash of an entry is the first 2,048 bytes of BLAKE3 extended output over
 * {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value}, read as 1,024 little-endian uint16
 * lanes. Adding an entry adds its element hash lane-wise mod 2^16, removing it subtracts; an
 * update is a removal of the old entry plus an addition of the new one. The result depends only
 * on the multiset of entries added and not removed, never on the order. The {@link #checksum()}
 * (the store's commitment) is the BLAKE3-256 hash of the 2,048-byte little-endian lane vector.
 *
 * <p>Unlike Sei's flatKV, where a pair with an empty key or value contributes nothing, every
 * pair contributes here: an empty value is a real value, so "empty" and "absent" never share a
 * commitment.
 *
 * <p>To hash a large commit on several threads, give each worker its own {@code LtHash16} (or
 * its own {@link Blake3Xof} and {@code int[1024]} accumulator), then combine the partial
 * results with {@link #add(LtHash16)} or {@link #addLanes(int[])}: addition mod 2^16 is
 * commutative and associative, so the split does not change the result.
 *
 * <p>Thread-safety: <b>not thread-safe</b>; a mutable value confined to one thread at a time.
 * It lazily creates its own {@link Blake3Xof} for {@link #add(byte[], byte[])},
 * {@link #remove(byte[], byte[])} and {@link #checksum()}.
 */
public final class LtHash16 {

    /** Number of uint16 lanes. */
    public static final int LANES = Blake3Xof.LANES;

    /** Size of the serialised lane vector. */
    public static final int BYTES = 2 * LANES;

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    // Lanes are kept as wrapping ints and reduced mod 2^16 only when read, so accumulation is a
    // plain add; only the low 16 bits of each element are meaningful.
    private final int[] lanes = new int[LANES];
    private Blake3Xof hasher;

    /** Creates the zero LtHash (the commitment of the empty multiset). */
    public LtHash16() {
    }

    /**
     * Reads a lane vector written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly {@value #BYTES} bytes
     */
    public static LtHash16 fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "an LtHash16 is " + BYTES + " bytes, got " + bytes.length);
        }
        LtHash16 h = new LtHash16();
        for (int i = 0; i < LANES; i++) {
            h.lanes[i] = (short) SHORT_LE.get(bytes, 2 * i) & 0xFFFF;
        }
        return h;
    }

    /** Adds the element hash of {@code (key, value)}. */
    public void add(byte[] key, byte[] value) {
        hasher().addElementHash(key, value, lanes);
    }

    /** Subtracts the element hash of {@code (key, value)}: the inverse of {@link #add(byte[], byte[])}. */
    public void remove(byte[] key, byte[] value) {
        hasher().subtractElementHash(key, value, lanes);
    }

    /** Adds {@code other} lane-wise mod 2^16 (multiset union). {@code other} is not changed. */
    public void add(LtHash16 other) {
        int[] o = other.lanes;
        for (int i = 0; i < LANES; i++) {
            lanes[i] += o[i];
        }
    }

    /** Subtracts {@code other} lane-wise mod 2^16 (multiset difference). {@code other} is not changed. */
    public void subtract(LtHash16 other) {
        int[] o = other.lanes;
        for (int i = 0; i < LANES; i++) {
            lanes[i] -= o[i];
        }
    }

    /**
     * Adds an accumulator filled by {@link Blake3Xof#addElementHash(byte[], byte[], int[])} and
     * {@link Blake3Xof#subtractElementHash(byte[], byte[], int[])}; each of its elements is
     * taken mod 2^16. The accumulator is not changed.
     *
     * @throws IllegalArgumentException if {@code accumulator} is not exactly {@value #LANES} long
     */
    public void addLanes(int[] accumulator) {
        if (accumulator.length != LANES) {
            throw new IllegalArgumentException(
                    "an accumulator has " + LANES + " lanes, got " + accumulator.length);
        }
        for (int i = 0; i < LANES; i++) {
            lanes[i] += accumulator[i];
        }
    }

    /** Returns lane {@code i} as an unsigned value in [0, 65535]. */
    public int lane(int i) {
        return lanes[i] & 0xFFFF;
    }

    /** True when every lane is zero (the empty multiset, or a multiset hash collision). */
    public boolean isZero() {
        int any = 0;
        for (int lane : lanes) {
            any |= lane & 0xFFFF;
        }
        return any == 0;
    }

    /** Resets to the zero LtHash. */
    public void clear() {
        java.util.Arrays.fill(lanes, 0);
    }

    /** Returns an independent copy (it will create its own hasher when it needs one). */
    public LtHash16 copy() {
        LtHash16 c = new LtHash16();
        System.arraycopy(lanes, 0, c.lanes, 0, LANES);
        return c;
    }

    /** Returns the lane vector as {@value #BYTES} bytes, each lane little-endian. */
    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        toBytes(out, 0);
        return out;
    }

    /**
     * Writes the lane vector to {@code out[off, off + 2048)}, each lane little-endian.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code out}
     */
    public void toBytes(byte[] out, int off) {
        java.util.Objects.checkFromIndexSize(off, BYTES, out.length);
        for (int i = 0; i < LANES; i++) {
            SHORT_LE.set(out, off + 2 * i, (short) lanes[i]);
        }
    }

    /** Returns the commitment: the 32-byte BLAKE3 hash of {@link #toBytes()}. */
    public byte[] checksum() {
        return hasher().hash(toBytes());
    }

    private Blake3Xof hasher() {
        Blake3Xof h = hasher;
        if (h == null) {
            h = new Blake3Xof();
            hasher = h;
        }
        return h;
    }

    /** Equal when every lane is equal mod 2^16. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LtHash16)) {
            return false;
        }
        int[] other = ((LtHash16) o).lanes;
        int diff = 0;
        for (int i = 0; i < LANES; i++) {
            diff |= (lanes[i] ^ other[i]) & 0xFFFF;
        }
        return diff == 0;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int lane : lanes) {
            h = 31 * h + (lane & 0xFFFF);
        }
        return h;
    }

    /** Shows the checksum, the value a store publishes; computing it hashes 2 KiB. */
    @Override
    public String toString() {
        return "LtHash16[checksum=" + HexFormat.of().formatHex(checksum()) + "]";
    }
}
