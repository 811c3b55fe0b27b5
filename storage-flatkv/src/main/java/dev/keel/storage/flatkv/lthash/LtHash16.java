package dev.keel.storage.flatkv.lthash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The LtHash16 homomorphic multiset hash: 1,024 lanes of uint16 (2,048 bytes).
 *
 * <p>The element hash of an entry is the first 2,048 bytes of BLAKE3 extended output over
 * {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value}, read as 1,024 little-endian uint16
 * lanes. Adding an entry adds its element hash lane-wise mod 2^16 and removing it subtracts, so
 * an update is the removal of the old entry plus the addition of the new one. The lanes depend
 * only on the multiset of entries added and not removed, never on the order of the calls. The
 * {@link #checksum()} (the store's commitment) is the BLAKE3-256 hash of the 2,048-byte
 * little-endian lane vector ({@link #toBytes()}).
 *
 * <p>Unlike Sei's flatKV, where a pair with an empty key or value contributes nothing, every
 * pair contributes here: an empty value is a real value, so "empty" and "absent" never share a
 * commitment.
 *
 * <p>An instance is also the fastest accumulator for hashing in parallel: give each worker thread
 * its own {@code LtHash16}, let it {@link #add(byte[], byte[])} and {@link #remove(byte[], byte[])}
 * its share of a commit, then {@link #add(LtHash16)} the partial results into the running hash.
 * Addition mod 2^16 is commutative and associative, so the split does not change the result, and
 * no element hash is ever materialised as bytes. Workers that keep a plain {@code int[1024]}
 * instead use {@link Blake3Xof#addElementHash(byte[], byte[], int[])} and
 * {@link #addLanes(int[])}.
 *
 * <p>Thread-safety: <b>not thread-safe</b>; a mutable value to be confined to one thread at a
 * time (hand-off through a {@code Future} or another happens-before edge is enough). It lazily
 * creates its own {@link Blake3Xof}, so instances never share scratch space.
 */
public final class LtHash16 {

    /** Number of uint16 lanes. */
    public static final int LANES = Blake3Xof.LANES;

    /** Size of the serialised lane vector, {@link #toBytes()}. */
    public static final int BYTES = 2 * LANES;

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    // Lane i lives at slots[Blake3Xof.slotOf(i)], the order in which the hasher produces lanes
    // fastest. Slots are wrapping ints reduced mod 2^16 only when read, so adding is a plain add.
    private final int[] slots = new int[LANES];
    private Blake3Xof hasher;

    /** Creates the zero LtHash, the commitment of the empty multiset. */
    public LtHash16() {
    }

    /**
     * Reads a lane vector in the format of {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly {@value #BYTES} bytes
     */
    public static LtHash16 fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "an LtHash16 is " + BYTES + " bytes, got " + bytes.length);
        }
        LtHash16 h = new LtHash16();
        for (int lane = 0; lane < LANES; lane++) {
            h.slots[Blake3Xof.slotOf(lane)] = (short) SHORT_LE.get(bytes, 2 * lane);
        }
        return h;
    }

    /** Adds the element hash of {@code (key, value)}; an empty key or value is hashed like any other. */
    public void add(byte[] key, byte[] value) {
        hasher().accumulateElementHash(key, value, false, slots);
    }

    /** Subtracts the element hash of {@code (key, value)}: the inverse of {@link #add(byte[], byte[])}. */
    public void remove(byte[] key, byte[] value) {
        hasher().accumulateElementHash(key, value, true, slots);
    }

    /** Adds {@code other} lane-wise mod 2^16 (multiset union); {@code other} is not changed. */
    public void add(LtHash16 other) {
        int[] o = other.slots;
        for (int i = 0; i < LANES; i++) {
            slots[i] += o[i];
        }
    }

    /** Subtracts {@code other} lane-wise mod 2^16 (multiset difference); {@code other} is not changed. */
    public void subtract(LtHash16 other) {
        int[] o = other.slots;
        for (int i = 0; i < LANES; i++) {
            slots[i] -= o[i];
        }
    }

    /**
     * Adds an accumulator in natural lane order, such as one filled by
     * {@link Blake3Xof#addElementHash(byte[], byte[], int[])} and
     * {@link Blake3Xof#subtractElementHash(byte[], byte[], int[])}: element {@code i} is added to
     * lane {@code i}, mod 2^16. The accumulator is not changed.
     *
     * @throws IllegalArgumentException if {@code accumulator} does not have exactly {@value #LANES} elements
     */
    public void addLanes(int[] accumulator) {
        if (accumulator.length != LANES) {
            throw new IllegalArgumentException(
                    "an accumulator has " + LANES + " lanes, got " + accumulator.length);
        }
        for (int lane = 0; lane < LANES; lane++) {
            slots[Blake3Xof.slotOf(lane)] += accumulator[lane];
        }
    }

    /**
     * Returns lane {@code lane} as an unsigned value in [0, 65535].
     *
     * @throws IndexOutOfBoundsException if {@code lane} is not in [0, 1024)
     */
    public int lane(int lane) {
        Objects.checkIndex(lane, LANES);
        return slots[Blake3Xof.slotOf(lane)] & 0xFFFF;
    }

    /** True when every lane is zero: the empty multiset (or a collision with it). */
    public boolean isZero() {
        int any = 0;
        for (int slot : slots) {
            any |= slot & 0xFFFF;
        }
        return any == 0;
    }

    /** Resets to the zero LtHash. */
    public void clear() {
        Arrays.fill(slots, 0);
    }

    /** Returns an independent copy with the same lanes. */
    public LtHash16 copy() {
        LtHash16 c = new LtHash16();
        System.arraycopy(slots, 0, c.slots, 0, LANES);
        return c;
    }

    /** Returns the lane vector: {@value #BYTES} bytes, lane i little-endian at offset 2i. */
    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        toBytes(out, 0);
        return out;
    }

    /**
     * Writes the lane vector of {@link #toBytes()} to {@code out[off, off + 2048)}.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code out}
     */
    public void toBytes(byte[] out, int off) {
        Objects.checkFromIndexSize(off, BYTES, out.length);
        // Plain byte stores rather than the short view of out: a new array filled through a
        // byte-array view and then copied is the shape OpenJDK 17's C2 miscompiled in
        // Blake3Xof.writeBlock (see there). Not seen here; avoided because toBytes() is that shape.
        for (int lane = 0; lane < LANES; lane++) {
            int v = slots[Blake3Xof.slotOf(lane)];
            out[off + 2 * lane] = (byte) v;
            out[off + 2 * lane + 1] = (byte) (v >>> 8);
        }
    }

    /** Returns the commitment, the 32-byte BLAKE3 hash of {@link #toBytes()}, in a new array. */
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

    /** Equal when every lane is equal (mod 2^16). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LtHash16)) {
            return false;
        }
        int[] other = ((LtHash16) o).slots;
        int diff = 0;
        for (int i = 0; i < LANES; i++) {
            diff |= (slots[i] ^ other[i]) & 0xFFFF;
        }
        return diff == 0;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int slot : slots) {
            h = 31 * h + (slot & 0xFFFF);
        }
        return h;
    }

    /** Shows the checksum, the value a store publishes; computing it hashes 2 KiB. */
    @Override
    public String toString() {
        return "LtHash16[checksum=" + HexFormat.of().formatHex(checksum()) + "]";
    }
}
