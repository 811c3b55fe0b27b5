package dev.keel.storage.flatkv.lthash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * BLAKE3 in hash mode (no key, no derived key) cut down to what {@link LtHash16} needs: up to
 * the first {@value #MAX_OUTPUT_BYTES} bytes of extended output (XOF) and the plain 32-byte hash,
 * for inputs of any length that fits in Java arrays.
 *
 * <p>Promises: every output is bit-identical to the BLAKE3 specification's, for every input
 * length (single chunk, or a full tree of chunks and parent nodes). The LtHash element methods
 * hash the serialisation {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value} without
 * building it as one array.
 *
 * <p>Why a specialised implementation: an LtHash16 element hash is 2,048 bytes of XOF output,
 * that is 32 output blocks of the root node, and each block is an independent compression that
 * differs only in its counter. A general streaming digest pays per-block buffering and copying
 * on every one of them; here the root node is kept as words and compressed 32 times in a tight
 * loop, and the words go straight into LtHash lanes without becoming bytes.
 *
 * <p>Thread-safety: <b>not thread-safe</b>. An instance reuses its scratch buffers (about 5 KiB)
 * on every call and allocates nothing after construction, so each thread needs its own
 * instance. Instances hold no reference to caller arrays after a call returns.
 */
public final class Blake3Xof {

    /** The most extended output one call produces: the size of an LtHash16 element hash. */
    public static final int MAX_OUTPUT_BYTES = 2048;

    /** Length of the default BLAKE3 hash. */
    public static final int HASH_BYTES = 32;

    /** Number of 16-bit lanes in an element hash: {@code MAX_OUTPUT_BYTES / 2}. */
    public static final int LANES = MAX_OUTPUT_BYTES / 2;

    private static final int BLOCK_LEN = 64;
    private static final int CHUNK_LEN = 1024;
    private static final int MAX_OUTPUT_BLOCKS = MAX_OUTPUT_BYTES / BLOCK_LEN;
    // Chunks of a Java-addressable input stay below 2^33, so the stack never exceeds 34 CVs.
    private static final int MAX_STACK_DEPTH = 64;

    private static final int CHUNK_START = 1;
    private static final int CHUNK_END = 2;
    private static final int PARENT = 4;
    private static final int ROOT = 8;

    private static final int IV0 = 0x6A09E667;
    private static final int IV1 = 0xBB67AE85;
    private static final int IV2 = 0x3C6EF372;
    private static final int IV3 = 0xA54FF53A;
    private static final int IV4 = 0x510E527F;
    private static final int IV5 = 0x9B05688C;
    private static final int IV6 = 0x1F83D9AB;
    private static final int IV7 = 0x5BE0CD19;
    private static final int[] IV = {IV0, IV1, IV2, IV3, IV4, IV5, IV6, IV7};

    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] chunk = new byte[CHUNK_LEN];
    private final int[] block = new int[16];
    // 16 words although a CV is 8: compress writes a full output block into it.
    private final int[] cv = new int[16];
    private final int[] cvStack = new int[8 * MAX_STACK_DEPTH];

    // The node whose output is the root (a chunk's last block or the top parent), kept as
    // words so the output blocks can be produced without going through bytes.
    private final int[] rootCv = new int[8];
    private final int[] rootBlock = new int[16];
    private long rootCounter;
    private int rootBlockLen;
    private int rootFlags;

    private final int[] outWords = new int[MAX_OUTPUT_BLOCKS * 16];

    // The message as up to four slices (length prefixes and payloads) read in order, so the
    // LtHash serialisation is never concatenated into a fresh array.
    private final byte[][] segments = new byte[4][];
    private final int[] segmentOffsets = new int[4];
    private final int[] segmentLengths = new int[4];
    private int segmentCount;
    private int cursorSegment;
    private int cursorPosition;
    private final byte[] keyLengthLe = new byte[4];
    private final byte[] valueLengthLe = new byte[4];

    /** Creates a hasher with its own scratch space. */
    public Blake3Xof() {
    }

    /**
     * Writes the first {@code outLen} bytes of the BLAKE3 extended output of
     * {@code input[off, off + len)} to {@code out[outOff, outOff + outLen)}.
     *
     * @throws IndexOutOfBoundsException if a range is outside its array
     * @throws IllegalArgumentException if {@code outLen} is negative or above {@value #MAX_OUTPUT_BYTES}
     */
    public void xof(byte[] input, int off, int len, byte[] out, int outOff, int outLen) {
        Objects.checkFromIndexSize(off, len, input.length);
        if (outLen < 0 || outLen > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException(
                    "outLen must be in [0, " + MAX_OUTPUT_BYTES + "], got " + outLen);
        }
        Objects.checkFromIndexSize(outOff, outLen, out.length);
        try {
            setPlainMessage(input, off, len);
            int blocks = (outLen + BLOCK_LEN - 1) / BLOCK_LEN;
            reduceToRoot(len);
            emitRootBlocks(blocks);
            writeBytes(out, outOff, outLen);
        } finally {
            releaseMessage();
        }
    }

    /**
     * Writes the 32-byte BLAKE3 hash of {@code input[off, off + len)} to
     * {@code out[outOff, outOff + 32)}.
     *
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    public void hash(byte[] input, int off, int len, byte[] out, int outOff) {
        xof(input, off, len, out, outOff, HASH_BYTES);
    }

    /** Returns the 32-byte BLAKE3 hash of {@code input}. Allocates the result. */
    public byte[] hash(byte[] input) {
        byte[] out = new byte[HASH_BYTES];
        hash(input, 0, input.length, out, 0);
        return out;
    }

    /**
     * Writes the LtHash16 element hash of {@code (key, value)} — the first 2,048 bytes of the
     * BLAKE3 extended output of {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value} — to
     * {@code out[outOff, outOff + 2048)}. Empty keys and values are hashed like any other.
     *
     * @throws IndexOutOfBoundsException if the output range is outside {@code out}
     */
    public void elementHash(byte[] key, byte[] value, byte[] out, int outOff) {
        Objects.checkFromIndexSize(outOff, MAX_OUTPUT_BYTES, out.length);
        computeElementHash(key, value);
        writeBytes(out, outOff, MAX_OUTPUT_BYTES);
    }

    /**
     * Adds the element hash of {@code (key, value)}, read as 1,024 little-endian uint16, to
     * {@code lanes[0, 1024)} lane by lane. The lanes are plain ints that wrap: only their low
     * 16 bits are meaningful, so a worker can sum many element hashes into one accumulator and
     * reduce mod 2^16 once (see {@link LtHash16#addLanes(int[])}).
     *
     * @throws IllegalArgumentException if {@code lanes} has fewer than 1,024 elements
     */
    public void addElementHash(byte[] key, byte[] value, int[] lanes) {
        checkLanes(lanes);
        computeElementHash(key, value);
        int[] w = outWords;
        for (int i = 0; i < w.length; i++) {
            int word = w[i];
            lanes[2 * i] += word & 0xFFFF;
            lanes[2 * i + 1] += word >>> 16;
        }
    }

    /**
     * Subtracts the element hash of {@code (key, value)} from {@code lanes[0, 1024)}; the
     * inverse of {@link #addElementHash(byte[], byte[], int[])}.
     *
     * @throws IllegalArgumentException if {@code lanes} has fewer than 1,024 elements
     */
    public void subtractElementHash(byte[] key, byte[] value, int[] lanes) {
        checkLanes(lanes);
        computeElementHash(key, value);
        int[] w = outWords;
        for (int i = 0; i < w.length; i++) {
            int word = w[i];
            lanes[2 * i] -= word & 0xFFFF;
            lanes[2 * i + 1] -= word >>> 16;
        }
    }

    private static void checkLanes(int[] lanes) {
        if (lanes.length < LANES) {
            throw new IllegalArgumentException(
                    "lanes must hold at least " + LANES + " elements, got " + lanes.length);
        }
    }

    private void computeElementHash(byte[] key, byte[] value) {
        try {
            setElementMessage(key, value);
            reduceToRoot(8L + key.length + value.length);
            emitRootBlocks(MAX_OUTPUT_BLOCKS);
        } finally {
            releaseMessage();
        }
    }

    private void setPlainMessage(byte[] input, int off, int len) {
        segments[0] = input;
        segmentOffsets[0] = off;
        segmentLengths[0] = len;
        segmentCount = 1;
        cursorSegment = 0;
        cursorPosition = 0;
    }

    private void setElementMessage(byte[] key, byte[] value) {
        INT_LE.set(keyLengthLe, 0, key.length);
        INT_LE.set(valueLengthLe, 0, value.length);
        segments[0] = keyLengthLe;
        segments[1] = key;
        segments[2] = valueLengthLe;
        segments[3] = value;
        segmentOffsets[0] = 0;
        segmentOffsets[1] = 0;
        segmentOffsets[2] = 0;
        segmentOffsets[3] = 0;
        segmentLengths[0] = 4;
        segmentLengths[1] = key.length;
        segmentLengths[2] = 4;
        segmentLengths[3] = value.length;
        segmentCount = 4;
        cursorSegment = 0;
        cursorPosition = 0;
    }

    // Drops the references so a long-lived hasher does not keep a caller's 16 MiB value alive.
    private void releaseMessage() {
        Arrays.fill(segments, null);
        segmentCount = 0;
    }

    /** Copies the next {@code n} message bytes to {@code dst[0, n)}. */
    private void gather(byte[] dst, int n) {
        int filled = 0;
        while (filled < n) {
            if (cursorSegment >= segmentCount) {
                throw new IllegalStateException("message shorter than its declared length");
            }
            int available = segmentLengths[cursorSegment] - cursorPosition;
            if (available == 0) {
                cursorSegment++;
                cursorPosition = 0;
                continue;
            }
            int take = Math.min(available, n - filled);
            System.arraycopy(segments[cursorSegment], segmentOffsets[cursorSegment] + cursorPosition,
                    dst, filled, take);
            filled += take;
            cursorPosition += take;
        }
    }

    /**
     * Reads the whole message ({@code total} bytes) and leaves the root node in
     * {@code rootCv/rootBlock/rootBlockLen/rootFlags}, ready for output.
     */
    private void reduceToRoot(long total) {
        long chunks = total == 0 ? 1 : (total + CHUNK_LEN - 1) / CHUNK_LEN;
        int depth = 0;
        // Every chunk but the last is known not to be the root, so it collapses to a CV at once.
        for (long c = 0; c < chunks - 1; c++) {
            gather(chunk, CHUNK_LEN);
            chunkChainingValue(c);
            System.arraycopy(cv, 0, cvStack, 8 * depth, 8);
            depth++;
            // A subtree is complete for each trailing zero bit of the number of chunks so far.
            for (long done = c + 1; (done & 1) == 0; done >>>= 1) {
                depth--;
                mergeIntoParent(8 * (depth - 1));
            }
        }
        int lastLen = (int) (total - (chunks - 1) * CHUNK_LEN);
        gather(chunk, lastLen);
        int lastBlocks = lastLen == 0 ? 1 : (lastLen + BLOCK_LEN - 1) / BLOCK_LEN;
        Arrays.fill(chunk, lastLen, lastBlocks * BLOCK_LEN, (byte) 0);
        long counter = chunks - 1;
        System.arraycopy(IV, 0, cv, 0, 8);
        for (int b = 0; b < lastBlocks - 1; b++) {
            loadWords(chunk, b * BLOCK_LEN, block);
            compress(cv, 0, block, counter, BLOCK_LEN, b == 0 ? CHUNK_START : 0, cv, 0);
        }
        loadWords(chunk, (lastBlocks - 1) * BLOCK_LEN, rootBlock);
        System.arraycopy(cv, 0, rootCv, 0, 8);
        rootCounter = counter;
        rootBlockLen = lastLen - (lastBlocks - 1) * BLOCK_LEN;
        rootFlags = CHUNK_END | (lastBlocks == 1 ? CHUNK_START : 0);
        // With more than one chunk, the last chunk is the right edge of the tree: fold it into
        // the pending left subtrees, the last fold being the root parent.
        while (depth > 0) {
            compress(rootCv, 0, rootBlock, rootCounter, rootBlockLen, rootFlags, cv, 0);
            depth--;
            System.arraycopy(cvStack, 8 * depth, rootBlock, 0, 8);
            System.arraycopy(cv, 0, rootBlock, 8, 8);
            System.arraycopy(IV, 0, rootCv, 0, 8);
            rootCounter = 0;
            rootBlockLen = BLOCK_LEN;
            rootFlags = PARENT;
        }
    }

    /** Leaves the chaining value of the full chunk in {@code chunk} (index {@code c}) in cv[0, 8). */
    private void chunkChainingValue(long c) {
        System.arraycopy(IV, 0, cv, 0, 8);
        int last = CHUNK_LEN / BLOCK_LEN - 1;
        for (int b = 0; b <= last; b++) {
            loadWords(chunk, b * BLOCK_LEN, block);
            int flags = (b == 0 ? CHUNK_START : 0) | (b == last ? CHUNK_END : 0);
            compress(cv, 0, block, c, BLOCK_LEN, flags, cv, 0);
        }
    }

    /** Replaces the CVs at cvStack[off, off + 16) (left, right) by their parent's CV at off. */
    private void mergeIntoParent(int off) {
        System.arraycopy(cvStack, off, block, 0, 16);
        compress(IV, 0, block, 0, BLOCK_LEN, PARENT, cv, 0);
        System.arraycopy(cv, 0, cvStack, off, 8);
    }

    /** Fills outWords[0, 16 * blocks) with the root node's first output blocks. */
    private void emitRootBlocks(int blocks) {
        int flags = rootFlags | ROOT;
        for (int t = 0; t < blocks; t++) {
            compress(rootCv, 0, rootBlock, t, rootBlockLen, flags, outWords, 16 * t);
        }
    }

    private void writeBytes(byte[] out, int outOff, int outLen) {
        int whole = outLen >>> 2;
        for (int i = 0; i < whole; i++) {
            INT_LE.set(out, outOff + 4 * i, outWords[i]);
        }
        for (int i = whole * 4; i < outLen; i++) {
            out[outOff + i] = (byte) (outWords[i >>> 2] >>> (8 * (i & 3)));
        }
    }

    private static void loadWords(byte[] src, int off, int[] dst) {
        for (int i = 0; i < 16; i++) {
            dst[i] = (int) INT_LE.get(src, off + 4 * i);
        }
    }

    /**
     * The BLAKE3 compression function with its full 16-word output. {@code out} may be the
     * same array region as {@code h} (chaining in place), and nothing else.
     */
    private static void compress(int[] h, int hOff, int[] m, long counter, int blockLen, int flags,
                                 int[] out, int outOff) {
        int m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7];
        int m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11], m12 = m[12], m13 = m[13], m14 = m[14], m15 = m[15];
        int v0 = h[hOff], v1 = h[hOff + 1], v2 = h[hOff + 2], v3 = h[hOff + 3];
        int v4 = h[hOff + 4], v5 = h[hOff + 5], v6 = h[hOff + 6], v7 = h[hOff + 7];
        int v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
        int v12 = (int) counter, v13 = (int) (counter >>> 32), v14 = blockLen, v15 = flags;
        // round 1
        v0 += v4 + m0; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m1; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m2; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m3; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m4; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m5; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m6; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m7; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m8; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m9; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m10; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m11; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m12; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m13; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m14; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m15; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 2
        v0 += v4 + m2; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m6; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m3; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m10; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m7; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m0; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m4; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m13; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m1; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m11; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m12; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m5; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m9; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m14; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m15; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m8; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 3
        v0 += v4 + m3; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m4; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m10; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m12; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m13; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m2; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m7; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m14; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m6; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m5; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m9; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m0; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m11; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m15; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m8; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m1; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 4
        v0 += v4 + m10; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m7; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m12; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m9; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m14; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m3; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m13; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m15; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m4; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m0; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m11; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m2; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m5; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m8; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m1; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m6; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 5
        v0 += v4 + m12; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m13; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m9; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m11; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m15; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m10; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m14; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m8; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m7; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m2; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m5; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m3; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m0; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m1; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m6; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m4; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 6
        v0 += v4 + m9; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m14; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m11; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m5; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m8; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m12; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m15; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m1; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m13; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m3; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m0; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m10; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m2; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m6; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m4; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m7; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 7
        v0 += v4 + m11; v12 = Integer.rotateRight(v12 ^ v0, 16);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m15; v12 = Integer.rotateRight(v12 ^ v0, 8);
        v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m5; v13 = Integer.rotateRight(v13 ^ v1, 16);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m0; v13 = Integer.rotateRight(v13 ^ v1, 8);
        v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m1; v14 = Integer.rotateRight(v14 ^ v2, 16);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m9; v14 = Integer.rotateRight(v14 ^ v2, 8);
        v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m8; v15 = Integer.rotateRight(v15 ^ v3, 16);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m6; v15 = Integer.rotateRight(v15 ^ v3, 8);
        v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m14; v15 = Integer.rotateRight(v15 ^ v0, 16);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m10; v15 = Integer.rotateRight(v15 ^ v0, 8);
        v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m2; v12 = Integer.rotateRight(v12 ^ v1, 16);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m12; v12 = Integer.rotateRight(v12 ^ v1, 8);
        v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m3; v13 = Integer.rotateRight(v13 ^ v2, 16);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m4; v13 = Integer.rotateRight(v13 ^ v2, 8);
        v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m7; v14 = Integer.rotateRight(v14 ^ v3, 16);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m13; v14 = Integer.rotateRight(v14 ^ v3, 8);
        v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // Upper half first: it reads h, which may be the same words as out[outOff..outOff + 8).
        out[outOff + 8] = v8 ^ h[hOff];
        out[outOff + 9] = v9 ^ h[hOff + 1];
        out[outOff + 10] = v10 ^ h[hOff + 2];
        out[outOff + 11] = v11 ^ h[hOff + 3];
        out[outOff + 12] = v12 ^ h[hOff + 4];
        out[outOff + 13] = v13 ^ h[hOff + 5];
        out[outOff + 14] = v14 ^ h[hOff + 6];
        out[outOff + 15] = v15 ^ h[hOff + 7];
        out[outOff] = v0 ^ v8;
        out[outOff + 1] = v1 ^ v9;
        out[outOff + 2] = v2 ^ v10;
        out[outOff + 3] = v3 ^ v11;
        out[outOff + 4] = v4 ^ v12;
        out[outOff + 5] = v5 ^ v13;
        out[outOff + 6] = v6 ^ v14;
        out[outOff + 7] = v7 ^ v15;
    }
}
