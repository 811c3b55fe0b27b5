package dev.keel.storage.tree;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One IAVL node. A leaf holds a key and a value; an inner node holds the smallest key of its right
 * subtree and two children. Nodes are never changed once their version is saved: an update copies
 * the path (cosmos/iavl v1 {@code node.go} {@code clone}), so every retained version is a root
 * sharing all unchanged subtrees with its neighbours.
 *
 * <p>Before that, while the commit that created it is being built, an inner node is still private
 * to the committing thread, and the working tree changes its children in place rather than copy
 * it again for every key of the commit that passes through it (see {@link #isWorking}). Its fields
 * are therefore not final; they and the hash are all written before the version that created
 * the node is published (a volatile write of the store's state), so readers always see them set
 * and never see them change.
 *
 * <p>The hash is held in four {@code long} fields rather than a {@code byte[]}: a retained version
 * is tens of thousands of nodes, and an array per node would double the objects the garbage
 * collector copies while the version is retained (and add 16 bytes of array header to each).
 */
final class Node {
    static final int HASH_BYTES = 32;
    /** Heights are stored in a byte; an AVL tree this tall would hold more than 2^80 keys. */
    static final int MAX_HEIGHT = Byte.MAX_VALUE;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final byte[] key;
    /** The value of a leaf; {@code null} for an inner node. */
    final byte[] value;
    Node left;
    Node right;
    /** The version in which this node was created or copied; part of its hash. */
    final long version;
    long size;
    byte height;
    /** Whether {@link #h0}..{@link #h3} hold the hash: false only while the creating commit runs. */
    private boolean hashed;
    /** The 32-byte hash, big-endian in four parts. */
    private long h0;
    private long h1;
    private long h2;
    private long h3;

    private Node(byte[] key, byte[] value, Node left, Node right, long version, long size, int height) {
        this.key = key;
        this.value = value;
        this.left = left;
        this.right = right;
        this.version = version;
        this.size = size;
        this.height = (byte) height;
    }

    static Node leaf(byte[] key, byte[] value, long version) {
        return new Node(key, value, null, null, version, 1, 0);
    }

    /** An inner node; its height and size follow from its children (iavl's calcHeightAndSize). */
    static Node inner(byte[] key, Node left, Node right, long version) {
        return new Node(key, null, left, right, version, left.size + right.size,
                Math.max(left.height, right.height) + 1);
    }

    /**
     * A node read back from a tree snapshot, with the hash that was saved for it.
     *
     * @throws IllegalArgumentException if {@code height} exceeds {@link #MAX_HEIGHT}
     */
    static Node restored(byte[] key, byte[] value, Node left, Node right, long version, long size, int height,
                         byte[] hash) {
        if (height < 0 || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("height " + height + " outside 0.." + MAX_HEIGHT);
        }
        Node n = new Node(key, value, left, right, version, size, height);
        n.setHash(hash, 0);
        return n;
    }

    /**
     * Whether this node was created by the commit building {@code workingVersion} and is not hashed
     * yet: no retained version and no other thread can reach it, so it may be changed in place.
     * Every node of a saved, restored or imported version has its hash.
     */
    boolean isWorking(long workingVersion) {
        return version == workingVersion && !hashed;
    }

    /** Replaces a child of a {@linkplain #isWorking working} inner node and recomputes height and size. */
    void replaceChild(boolean leftSide, Node child) {
        if (leftSide) {
            left = child;
        } else {
            right = child;
        }
        size = left.size + right.size;
        height = (byte) (Math.max(left.height, right.height) + 1);
    }

    /**
     * A copy of inner node {@code node} for {@code version} with one child replaced by one of the same
     * height and size (a value update leaves the shape alone), without reading the other child.
     */
    static Node sameShape(Node node, boolean leftSide, Node child, long version) {
        return new Node(node.key, null, leftSide ? child : node.left, leftSide ? node.right : child, version,
                node.size, node.height);
    }

    boolean isLeaf() {
        return height == 0;
    }

    int balance() {
        return left.height - right.height;
    }

    boolean hasHash() {
        return hashed;
    }

    /**
     * @return a copy of the hash; the node must have one
     *
     * <p>The new array is filled with plain byte stores, not through the {@code long} view that
     * {@link #writeHash} uses on the hasher's buffer: a new array filled through a byte-array view
     * and then copied (a {@code Commitment} clones what it is given) is the shape OpenJDK 17's C2
     * miscompiled into an all-zero copy in flatkv's BLAKE3 output ({@code Blake3Xof.writeBlock}).
     * It has not been seen here; the shape is avoided all the same.
     */
    byte[] hash() {
        if (!hashed) {
            throw new IllegalStateException("node of version " + version + " is not hashed yet");
        }
        byte[] out = new byte[HASH_BYTES];
        long[] parts = {h0, h1, h2, h3};
        for (int i = 0; i < HASH_BYTES; i++) {
            out[i] = (byte) (parts[i >>> 3] >>> (56 - 8 * (i & 7)));
        }
        return out;
    }

    /** Writes the hash (the node must have one) into {@code out} at {@code offset}. */
    void writeHash(byte[] out, int offset) {
        if (!hashed) {
            throw new IllegalStateException("node of version " + version + " is not hashed yet");
        }
        LONGS.set(out, offset, h0);
        LONGS.set(out, offset + 8, h1);
        LONGS.set(out, offset + 16, h2);
        LONGS.set(out, offset + 24, h3);
    }

    /** Sets the hash from 32 bytes of {@code in} at {@code offset}; only the hashing thread calls it. */
    void setHash(byte[] in, int offset) {
        h0 = (long) LONGS.get(in, offset);
        h1 = (long) LONGS.get(in, offset + 8);
        h2 = (long) LONGS.get(in, offset + 16);
        h3 = (long) LONGS.get(in, offset + 24);
        hashed = true;
    }

    /**
     * Hashes this node and every new node under it that has no hash yet (post-order), as
     * cosmos/iavl v1 {@code node.go} {@code writeHashBytes} defines it.
     */
    void computeHash(NodeHasher hasher) {
        if (hashed) {
            return;
        }
        if (!isLeaf()) {
            left.computeHash(hasher);
            right.computeHash(hasher);
        }
        hasher.hash(this);
    }
}
