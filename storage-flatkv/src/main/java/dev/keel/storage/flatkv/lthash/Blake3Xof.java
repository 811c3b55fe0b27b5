package dev.keel.storage.flatkv.lthash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * BLAKE3 in hash mode (no key, no key derivation) cut down to what {@link LtHash16} needs: up to
 * the first {@value #MAX_OUTPUT_BYTES} bytes of extended output (XOF) and the plain 32-byte hash,
 * for inputs of any length an array can hold.
 *
 * <p>Promises: every output is bit-identical to the BLAKE3 specification's, for every input
 * length (a single chunk, or a tree of chunks and parent nodes). {@link #elementHash} hashes the
 * LtHash16 serialisation {@code u32le(len key) ‖ key ‖ u32le(len value) ‖ value} without building
 * it as one array.
 *
 * <p>Why a specialised implementation: an LtHash16 element hash is 2,048 bytes of output, that is
 * 32 output blocks of the root node, and the 32 blocks are independent compressions of the same
 * chaining value and message block that differ only in the counter. A streaming digest runs them
 * one after the other through its buffers; here they run side by side, the state of compression
 * {@code t} being element {@code t} of sixteen 32-int rows, so every step of the round function is
 * one short loop over 32 ints that the JIT compiles to SIMD instructions. The words then go
 * straight into LtHash lanes without becoming bytes. The blocks before the root (one per 64 input
 * bytes) are inherently sequential and use a plain scalar compression.
 *
 * <p>Thread-safety: <b>not thread-safe</b>. An instance reuses about 5 KiB of scratch space on
 * every call and allocates nothing after construction (except the arrays that the convenience
 * method {@link #hash(byte[])} returns), so each thread needs its own instance. An instance keeps
 * no reference to a caller's array after a call returns.
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
    private static final int OUTPUT_BLOCKS = MAX_OUTPUT_BYTES / BLOCK_LEN;
    // Up to this many output blocks one-at-a-time compressions are cheaper than the wide path.
    private static final int MAX_SCALAR_OUTPUT_BLOCKS = 4;
    // A message is at most two arrays plus 8 bytes (< 2^32 bytes, < 2^22 chunks), so the CV
    // stack never holds more than 23 entries.
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

    /** Message word order of each of the 7 rounds: round r applies the permutation r times. */
    private static final int[][] SCHEDULE = messageSchedule();

    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] chunk = new byte[CHUNK_LEN];
    private final int[] block = new int[16];
    // 16 words although a CV is 8: compress writes a full output block into it.
    private final int[] cv = new int[16];
    private final int[] cvStack = new int[8 * MAX_STACK_DEPTH];

    // The node whose output is the root (a chunk's last block, or the top parent), kept as words
    // so that its output blocks can be produced without going through bytes.
    private final int[] rootCv = new int[8];
    private final int[] rootBlock = new int[16];
    private long rootCounter;
    private int rootBlockLen;
    private int rootFlags;

    // Row k (wide[32k, 32k + 32)) holds state word k of the 32 output compressions.
    private final int[] wide = new int[16 * OUTPUT_BLOCKS];
    private final int[] sharedColumns = new int[16];

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
     * {@code input[off, off + len)} to {@code out[outOff, outOff + outLen)}. Shorter outputs are
     * prefixes of longer ones, as in BLAKE3.
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
            reduceToRoot(len);
        } finally {
            releaseMessage();
        }
        writeOutput(out, outOff, outLen);
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

    /** Returns the 32-byte BLAKE3 hash of {@code input} in a new array. */
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
     * <p>To fold element hashes into a running sum, {@link LtHash16#add(byte[], byte[])} and
     * {@link #addElementHash(byte[], byte[], int[])} are faster: they never produce these bytes.
     *
     * @throws IndexOutOfBoundsException if the output range is outside {@code out}
     */
    public void elementHash(byte[] key, byte[] value, byte[] out, int outOff) {
        Objects.checkFromIndexSize(outOff, MAX_OUTPUT_BYTES, out.length);
        hashElementToRoot(key, value);
        writeOutput(out, outOff, MAX_OUTPUT_BYTES);
    }

    /**
     * Adds the element hash of {@code (key, value)}, read as 1,024 little-endian uint16, to
     * {@code lanes[0, 1024)} lane by lane, lane {@code i} being bytes {@code 2i} and {@code 2i + 1}
     * of {@link #elementHash}. The lanes are plain ints that wrap: only their low 16 bits are
     * meaningful, so a worker can sum many element hashes into its own accumulator and reduce
     * mod 2^16 once, for instance with {@link LtHash16#addLanes(int[])}.
     *
     * <p>Summing into an {@link LtHash16} per worker ({@link LtHash16#add(byte[], byte[])}, then
     * {@link LtHash16#add(LtHash16)}) is faster: it keeps lanes in the order the hash produces them
     * instead of scattering each output word into this array's order.
     *
     * @throws IllegalArgumentException if {@code lanes} has fewer than 1,024 elements
     */
    public void addElementHash(byte[] key, byte[] value, int[] lanes) {
        foldIntoLanes(key, value, lanes, 0);
    }

    /**
     * Subtracts the element hash of {@code (key, value)} from {@code lanes[0, 1024)}; the
     * inverse of {@link #addElementHash(byte[], byte[], int[])}.
     *
     * @throws IllegalArgumentException if {@code lanes} has fewer than 1,024 elements
     */
    public void subtractElementHash(byte[] key, byte[] value, int[] lanes) {
        foldIntoLanes(key, value, lanes, -1);
    }

    /**
     * Adds (or, with {@code subtract}, subtracts) the element hash of {@code (key, value)} to
     * {@code slots}, lane {@code i} being at {@code slots[slotOf(i)]}. Slots are plain ints that
     * wrap: only their low 16 bits are meaningful.
     *
     * @throws IllegalArgumentException if {@code slots} does not have exactly 1,024 elements
     */
    void accumulateElementHash(byte[] key, byte[] value, boolean subtract, int[] slots) {
        if (slots.length != LANES) {
            throw new IllegalArgumentException("expected " + LANES + " slots, got " + slots.length);
        }
        hashElementToRoot(key, value);
        computeWideOutput();
        if (subtract) {
            subtractWideOutput(slots);
        } else {
            addWideOutput(slots);
        }
    }

    /** Folds into natural lane order; {@code negate} is 0 to add and -1 to subtract. */
    private void foldIntoLanes(byte[] key, byte[] value, int[] lanes, int negate) {
        if (lanes.length < LANES) {
            throw new IllegalArgumentException(
                    "lanes must hold at least " + LANES + " elements, got " + lanes.length);
        }
        hashElementToRoot(key, value);
        computeWideOutput();
        int[] s = wide;
        int[] h = rootCv;
        // Output word k of block t is row k, element t; it becomes lanes 32t + 2k and 32t + 2k + 1.
        // (x ^ negate) - negate is x or -x without a branch in the loop.
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int base = 32 * t;
            for (int k = 0; k < 8; k++) {
                int upper = s[32 * (k + 8) + t];
                int lower = s[32 * k + t] ^ upper;
                upper ^= h[k];
                lanes[base + 2 * k] += ((lower & 0xFFFF) ^ negate) - negate;
                lanes[base + 2 * k + 1] += ((lower >>> 16) ^ negate) - negate;
                lanes[base + 16 + 2 * k] += ((upper & 0xFFFF) ^ negate) - negate;
                lanes[base + 17 + 2 * k] += ((upper >>> 16) ^ negate) - negate;
            }
        }
    }

    private void hashElementToRoot(byte[] key, byte[] value) {
        try {
            setElementMessage(key, value);
            reduceToRoot(8L + key.length + value.length);
        } finally {
            releaseMessage();
        }
    }

    /**
     * Where {@link #accumulateElementHash} keeps lane {@code lane} (lane = little-endian uint16
     * number {@code lane} of the 2,048-byte output). Output block {@code t}, word {@code k}, half
     * {@code h} is lane {@code 32t + 2k + h}; it is kept at slot {@code 64k + 32h + t} so that
     * folding a block's words into the slots is a run of contiguous, vectorisable adds.
     */
    static int slotOf(int lane) {
        int t = lane >>> 5;
        int k = (lane >>> 1) & 15;
        int half = lane & 1;
        return 64 * k + 32 * half + t;
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
        Arrays.fill(segmentOffsets, 0);
        segmentLengths[0] = 4;
        segmentLengths[1] = key.length;
        segmentLengths[2] = 4;
        segmentLengths[3] = value.length;
        segmentCount = 4;
        cursorSegment = 0;
        cursorPosition = 0;
    }

    // Drops the references so that a long-lived hasher does not keep a caller's 16 MiB value alive.
    private void releaseMessage() {
        Arrays.fill(segments, null);
        segmentCount = 0;
    }

    /** Copies the next {@code n} message bytes to {@code dst[0, n)}. */
    private void gather(byte[] dst, int n) {
        int filled = 0;
        while (filled < n) {
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
     * {@code rootCv, rootBlock, rootBlockLen, rootFlags}, ready for output.
     */
    private void reduceToRoot(long total) {
        long chunks = total == 0 ? 1 : (total + CHUNK_LEN - 1) / CHUNK_LEN;
        int depth = 0;
        // Every chunk but the last is followed by more input, so it is not the root and collapses
        // to its chaining value at once.
        for (long c = 0; c < chunks - 1; c++) {
            gather(chunk, CHUNK_LEN);
            fullChunkChainingValue(c);
            System.arraycopy(cv, 0, cvStack, 8 * depth, 8);
            depth++;
            // Each trailing zero bit of the number of chunks so far completes one subtree.
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
        // With several chunks the last one is the right edge of the tree: fold it into the
        // pending left subtrees from the bottom up; the last parent formed is the root.
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

    /** Leaves the chaining value of the full chunk number {@code c}, held in {@code chunk}, in cv[0, 8). */
    private void fullChunkChainingValue(long c) {
        System.arraycopy(IV, 0, cv, 0, 8);
        int last = CHUNK_LEN / BLOCK_LEN - 1;
        for (int b = 0; b <= last; b++) {
            loadWords(chunk, b * BLOCK_LEN, block);
            int flags = (b == 0 ? CHUNK_START : 0) | (b == last ? CHUNK_END : 0);
            compress(cv, 0, block, c, BLOCK_LEN, flags, cv, 0);
        }
    }

    /** Replaces the CVs at cvStack[off, off + 16) (left, then right) by their parent's CV at off. */
    private void mergeIntoParent(int off) {
        System.arraycopy(cvStack, off, block, 0, 16);
        compress(IV, 0, block, 0, BLOCK_LEN, PARENT, cv, 0);
        System.arraycopy(cv, 0, cvStack, off, 8);
    }

    /** Writes the root node's first {@code outLen} output bytes. */
    private void writeOutput(byte[] out, int outOff, int outLen) {
        int blocks = (outLen + BLOCK_LEN - 1) / BLOCK_LEN;
        if (blocks <= MAX_SCALAR_OUTPUT_BLOCKS) {
            int flags = rootFlags | ROOT;
            for (int t = 0; t < blocks; t++) {
                compress(rootCv, 0, rootBlock, t, rootBlockLen, flags, block, 0);
                int n = Math.min(BLOCK_LEN, outLen - t * BLOCK_LEN);
                writeBlock(block, 0, 1, out, outOff + t * BLOCK_LEN, n);
            }
            return;
        }
        computeWideOutput();
        // Feed-forward into the rows, in place, to turn states into output words.
        for (int k = 0; k < 8; k++) {
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                wide[32 * k + t] ^= wide[32 * (k + 8) + t];
                wide[32 * (k + 8) + t] ^= rootCv[k];
            }
        }
        for (int t = 0; t < blocks; t++) {
            int n = Math.min(BLOCK_LEN, outLen - t * BLOCK_LEN);
            writeBlock(wide, t, OUTPUT_BLOCKS, out, outOff + t * BLOCK_LEN, n);
        }
    }

    /**
     * Writes the first {@code n} bytes of the 16 words words[first + stride * k], little-endian.
     *
     * <p>Byte by byte on purpose. With the words stored through the {@code int} view of
     * {@code out} ({@code INT_LE.set}), OpenJDK 17.0.15's C2 compiled {@code FlatKvStore}'s commit
     * so that every commitment it returned was 32 zero bytes: {@link #hash(byte[])} fills a new
     * array this way and {@code Commitment} clones it, and the clone read the array as still
     * zero. It happened in about half the runs of 5,000 small commits under
     * {@code -XX:-TieredCompilation} with this class's output methods forced inline, and, by the same
     * symptom, once in a CI run with default flags; with plain byte stores it never did (see
     * {@code CommitmentUnderC2InliningTest}).
     */
    private static void writeBlock(int[] words, int first, int stride, byte[] out, int off, int n) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (byte) (words[first + stride * (i >>> 2)] >>> (8 * (i & 3)));
        }
    }

    private static void loadWords(byte[] src, int off, int[] dst) {
        for (int i = 0; i < 16; i++) {
            dst[i] = (int) INT_LE.get(src, off + 4 * i);
        }
    }

    /**
     * Runs the 32 root output compressions (counters 0 to 31) side by side, leaving their final
     * states, before the feed-forward, in the rows of {@code wide}.
     */
    private void computeWideOutput() {
        int[] s = wide;
        int[] m = rootBlock;
        int[] c = sharedColumns;
        System.arraycopy(rootCv, 0, c, 0, 8);
        c[8] = IV0;
        c[9] = IV1;
        c[10] = IV2;
        c[11] = IV3;
        c[12] = 0;
        c[13] = 0;
        c[14] = rootBlockLen;
        c[15] = rootFlags | ROOT;
        // The counter (word 12) only enters column 0 of the first round: columns 1 to 3 of that
        // half-round are the same for all 32 blocks, so they are computed once.
        int[] first = SCHEDULE[0];
        scalarG(c, 1, 5, 9, 13, m[first[2]], m[first[3]]);
        scalarG(c, 2, 6, 10, 14, m[first[4]], m[first[5]]);
        scalarG(c, 3, 7, 11, 15, m[first[6]], m[first[7]]);
        for (int k = 0; k < 16; k++) {
            Arrays.fill(s, 32 * k, 32 * k + 32, c[k]);
        }
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            s[32 * 12 + t] = t;
        }
        for (int r = 0; r < 7; r++) {
            wideRound(s, m, SCHEDULE[r], r == 0);
        }
    }

    /**
     * One round on all 32 compressions at once: each G is a loop over the 32 elements of its four
     * rows. Row offsets are constants and the loop bound is fixed, the shape the JIT's superword
     * pass compiles to vector instructions. In the first round the caller has already applied
     * the three columns that do not depend on the counter.
     */
    private static void wideRound(int[] s, int[] m, int[] x, boolean firstRound) {
        int mx0 = m[x[0]];
        int my0 = m[x[1]];
        int mx1 = m[x[2]];
        int my1 = m[x[3]];
        int mx2 = m[x[4]];
        int my2 = m[x[5]];
        int mx3 = m[x[6]];
        int my3 = m[x[7]];
        int mx4 = m[x[8]];
        int my4 = m[x[9]];
        int mx5 = m[x[10]];
        int my5 = m[x[11]];
        int mx6 = m[x[12]];
        int my6 = m[x[13]];
        int mx7 = m[x[14]];
        int my7 = m[x[15]];
        // column G(0, 4, 8, 12)
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int va = s[0 + t];
            int vb = s[128 + t];
            int vc = s[256 + t];
            int vd = s[384 + t];
            va += vb + mx0;
            vd = Integer.rotateRight(vd ^ va, 16);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 12);
            va += vb + my0;
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            s[0 + t] = va;
            s[128 + t] = vb;
            s[256 + t] = vc;
            s[384 + t] = vd;
        }
        // column G(1, 5, 9, 13)
        if (!firstRound) {
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int va = s[32 + t];
                int vb = s[160 + t];
                int vc = s[288 + t];
                int vd = s[416 + t];
                va += vb + mx1;
                vd = Integer.rotateRight(vd ^ va, 16);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 12);
                va += vb + my1;
                vd = Integer.rotateRight(vd ^ va, 8);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 7);
                s[32 + t] = va;
                s[160 + t] = vb;
                s[288 + t] = vc;
                s[416 + t] = vd;
            }
        // column G(2, 6, 10, 14)
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int va = s[64 + t];
                int vb = s[192 + t];
                int vc = s[320 + t];
                int vd = s[448 + t];
                va += vb + mx2;
                vd = Integer.rotateRight(vd ^ va, 16);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 12);
                va += vb + my2;
                vd = Integer.rotateRight(vd ^ va, 8);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 7);
                s[64 + t] = va;
                s[192 + t] = vb;
                s[320 + t] = vc;
                s[448 + t] = vd;
            }
        // column G(3, 7, 11, 15)
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int va = s[96 + t];
                int vb = s[224 + t];
                int vc = s[352 + t];
                int vd = s[480 + t];
                va += vb + mx3;
                vd = Integer.rotateRight(vd ^ va, 16);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 12);
                va += vb + my3;
                vd = Integer.rotateRight(vd ^ va, 8);
                vc += vd;
                vb = Integer.rotateRight(vb ^ vc, 7);
                s[96 + t] = va;
                s[224 + t] = vb;
                s[352 + t] = vc;
                s[480 + t] = vd;
            }
        }
        // diagonal G(0, 5, 10, 15)
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int va = s[0 + t];
            int vb = s[160 + t];
            int vc = s[320 + t];
            int vd = s[480 + t];
            va += vb + mx4;
            vd = Integer.rotateRight(vd ^ va, 16);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 12);
            va += vb + my4;
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            s[0 + t] = va;
            s[160 + t] = vb;
            s[320 + t] = vc;
            s[480 + t] = vd;
        }
        // diagonal G(1, 6, 11, 12)
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int va = s[32 + t];
            int vb = s[192 + t];
            int vc = s[352 + t];
            int vd = s[384 + t];
            va += vb + mx5;
            vd = Integer.rotateRight(vd ^ va, 16);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 12);
            va += vb + my5;
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            s[32 + t] = va;
            s[192 + t] = vb;
            s[352 + t] = vc;
            s[384 + t] = vd;
        }
        // diagonal G(2, 7, 8, 13)
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int va = s[64 + t];
            int vb = s[224 + t];
            int vc = s[256 + t];
            int vd = s[416 + t];
            va += vb + mx6;
            vd = Integer.rotateRight(vd ^ va, 16);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 12);
            va += vb + my6;
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            s[64 + t] = va;
            s[224 + t] = vb;
            s[256 + t] = vc;
            s[416 + t] = vd;
        }
        // diagonal G(3, 4, 9, 14)
        for (int t = 0; t < OUTPUT_BLOCKS; t++) {
            int va = s[96 + t];
            int vb = s[128 + t];
            int vc = s[288 + t];
            int vd = s[448 + t];
            va += vb + mx7;
            vd = Integer.rotateRight(vd ^ va, 16);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 12);
            va += vb + my7;
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            s[96 + t] = va;
            s[128 + t] = vb;
            s[288 + t] = vc;
            s[448 + t] = vd;
        }
    }

    private static void scalarG(int[] v, int a, int b, int c, int d, int mx, int my) {
        v[a] += v[b] + mx;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
        v[a] += v[b] + my;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
    }

    private void addWideOutput(int[] slots) {
        int[] s = wide;
        for (int k = 0; k < 8; k++) {
            int lo = 32 * k;
            int hi = 32 * (k + 8);
            int slot = 64 * k;
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int w = s[lo + t] ^ s[hi + t];
                slots[slot + t] += w & 0xFFFF;
                slots[slot + 32 + t] += w >>> 16;
            }
        }
        for (int k = 8; k < 16; k++) {
            int row = 32 * k;
            int h = rootCv[k - 8];
            int slot = 64 * k;
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int w = s[row + t] ^ h;
                slots[slot + t] += w & 0xFFFF;
                slots[slot + 32 + t] += w >>> 16;
            }
        }
    }

    private void subtractWideOutput(int[] slots) {
        int[] s = wide;
        for (int k = 0; k < 8; k++) {
            int lo = 32 * k;
            int hi = 32 * (k + 8);
            int slot = 64 * k;
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int w = s[lo + t] ^ s[hi + t];
                slots[slot + t] -= w & 0xFFFF;
                slots[slot + 32 + t] -= w >>> 16;
            }
        }
        for (int k = 8; k < 16; k++) {
            int row = 32 * k;
            int h = rootCv[k - 8];
            int slot = 64 * k;
            for (int t = 0; t < OUTPUT_BLOCKS; t++) {
                int w = s[row + t] ^ h;
                slots[slot + t] -= w & 0xFFFF;
                slots[slot + 32 + t] -= w >>> 16;
            }
        }
    }

    private static int[][] messageSchedule() {
        int[] permutation = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
        int[][] schedule = new int[7][16];
        for (int i = 0; i < 16; i++) {
            schedule[0][i] = i;
        }
        for (int r = 1; r < 7; r++) {
            for (int i = 0; i < 16; i++) {
                schedule[r][i] = schedule[r - 1][permutation[i]];
            }
        }
        return schedule;
    }

    /**
     * The BLAKE3 compression function with its full 16-word output, for one block at a time.
     * Written out round by round (the schedule resolved into the variable names) because this
     * is the sequential part of every hash. {@code out} may be the very words of {@code h}
     * (chaining in place), and may not otherwise overlap it.
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
