package dev.keel.storage.tree;

/**
 * One IAVL node. A leaf holds a key and a value; an inner node holds the smallest key of its right
 * subtree and two children. Nodes are never changed once their version is saved: an update copies
 * the path (cosmos/iavl v1 {@code node.go} {@code clone}), so every retained version is a root
 * sharing all unchanged subtrees with its neighbours.
 *
 * <p>Before that, while the commit that created it is being built, an inner node is still private
 * to the committing thread, and the working tree changes its children in place rather than copy
 * it again for every key of the commit that passes through it (see {@link #isWorking}). Its fields
 * are therefore not final; they and {@link #hash} are all written before the version that created
 * the node is published (a volatile write of the store's state), so readers always see them set
 * and never see them change.
 */
final class Node {
    static final int HASH_BYTES = 32;

    final byte[] key;
    /** The value of a leaf; {@code null} for an inner node. */
    final byte[] value;
    Node left;
    Node right;
    /** The version in which this node was created or copied; part of its hash. */
    final long version;
    long size;
    int height;
    /** Computed at save time and cached; {@code null} only while the creating commit runs. */
    byte[] hash;

    private Node(byte[] key, byte[] value, Node left, Node right, long version, long size, int height, byte[] hash) {
        this.key = key;
        this.value = value;
        this.left = left;
        this.right = right;
        this.version = version;
        this.size = size;
        this.height = height;
        this.hash = hash;
    }

    static Node leaf(byte[] key, byte[] value, long version) {
        return new Node(key, value, null, null, version, 1, 0, null);
    }

    /** An inner node; its height and size follow from its children (iavl's calcHeightAndSize). */
    static Node inner(byte[] key, Node left, Node right, long version) {
        return new Node(key, null, left, right, version, left.size + right.size,
                Math.max(left.height, right.height) + 1, null);
    }

    /** A node read back from a tree snapshot, with the hash that was saved for it. */
    static Node restored(byte[] key, byte[] value, Node left, Node right, long version, long size, int height,
                         byte[] hash) {
        return new Node(key, value, left, right, version, size, height, hash);
    }

    /**
     * Whether this node was created by the commit building {@code workingVersion} and is not hashed
     * yet: no retained version and no other thread can reach it, so it may be changed in place.
     * Every node of a saved, restored or imported version has its hash.
     */
    boolean isWorking(long workingVersion) {
        return version == workingVersion && hash == null;
    }

    /** Replaces a child of a {@linkplain #isWorking working} inner node and recomputes height and size. */
    void replaceChild(boolean leftSide, Node child) {
        if (leftSide) {
            left = child;
        } else {
            right = child;
        }
        size = left.size + right.size;
        height = Math.max(left.height, right.height) + 1;
    }

    /**
     * A copy of inner node {@code node} for {@code version} with one child replaced by one of the same
     * height and size (a value update leaves the shape alone), without reading the other child.
     */
    static Node sameShape(Node node, boolean leftSide, Node child, long version) {
        return new Node(node.key, null, leftSide ? child : node.left, leftSide ? node.right : child, version,
                node.size, node.height, null);
    }

    boolean isLeaf() {
        return height == 0;
    }

    int balance() {
        return left.height - right.height;
    }

    /**
     * Hashes this node and every new node under it that has no hash yet (post-order), as
     * cosmos/iavl v1 {@code node.go} {@code writeHashBytes} defines it.
     */
    byte[] computeHash(NodeHasher hasher) {
        if (hash != null) {
            return hash;
        }
        if (isLeaf()) {
            hash = hasher.leaf(version, key, value);
        } else {
            byte[] leftHash = left.computeHash(hasher);
            byte[] rightHash = right.computeHash(hasher);
            hash = hasher.inner(height, size, version, leftHash, rightHash);
        }
        return hash;
    }
}
