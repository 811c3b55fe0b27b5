package dev.keel.storage.tree;

import dev.keel.storage.api.KeyValue;
import java.util.Arrays;

/**
 * The tree being built for the next version: sets and removes copy the nodes on their path (the
 * copies take the new version) and rebalance exactly as cosmos/iavl v1 does, so the root hash of a
 * version is bit-identical to iavl's for the same operations. Every rule here follows
 * cosmos/iavl {@code mutable_tree.go} ({@code recursiveSet}, {@code recursiveRemove},
 * {@code balance}, {@code rotateLeft}, {@code rotateRight}); the code is written from the rules, not
 * copied. Nodes of older versions are never touched, which is what keeps retained versions
 * readable without copies.
 *
 * <p>Not thread-safe: used by the one committing thread, and published only after
 * {@link #hashRoot}.
 */
final class WorkingTree {
    private final long version;
    private Node root;
    /** Set by {@link #set}'s recursion: the key existed, so no rebalancing is needed on the way up. */
    private boolean updated;
    /** Set by {@link #remove}'s recursion. */
    private boolean removed;
    /** The new smallest key of a subtree after a removal, carried up to the node that stores it. */
    private byte[] newLeftmostKey;

    WorkingTree(Node root, long version) {
        this.root = root;
        this.version = version;
    }

    Node root() {
        return root;
    }

    /** Sets a key; an existing key always gets a new leaf (new version), even for an equal value. */
    void set(byte[] key, byte[] value) {
        updated = false;
        root = root == null ? Node.leaf(key, value, version) : set(root, key, value);
    }

    private Node set(Node node, byte[] key, byte[] value) {
        if (node.isLeaf()) {
            int cmp = compare(key, node.key);
            if (cmp == 0) {
                updated = true;
                // The old leaf's key array (equal, and shared with an inner node above) is kept, so
                // a version retains no second copy of it.
                return Node.leaf(node.key, value, version);
            }
            Node fresh = Node.leaf(key, value, version);
            // iavl: the new inner node's key is the smaller key of its right child.
            return cmp < 0 ? Node.inner(node.key, fresh, node, version) : Node.inner(key, node, fresh, version);
        }
        boolean leftSide = compare(key, node.key) < 0;
        Node child = set(leftSide ? node.left : node.right, key, value);
        if (node.isWorking(version)) {
            // Already copied by an earlier key of this commit: iavl would copy it again, with the
            // same fields, so changing it in place gives the same tree for less garbage.
            if (updated) {
                // Same shape below: height and size stay, and the sibling need not be read.
                if (leftSide) {
                    node.left = child;
                } else {
                    node.right = child;
                }
                return node;
            }
            node.replaceChild(leftSide, child);
            return balance(node);
        }
        if (updated) {
            // An update leaves the shape unchanged: iavl returns the copy without balancing it.
            return Node.sameShape(node, leftSide, child, version);
        }
        Node copy = leftSide ? Node.inner(node.key, child, node.right, version)
                : Node.inner(node.key, node.left, child, version);
        return balance(copy);
    }

    /** Removes a key; removing an absent key changes nothing (no node is copied). */
    void remove(byte[] key) {
        if (root == null) {
            return;
        }
        removed = false;
        newLeftmostKey = null;
        Node result = remove(root, key);
        if (removed) {
            root = result;
        }
    }

    /**
     * @return the subtree replacing {@code node}, {@code null} when {@code node} was the removed
     *     leaf; {@link #newLeftmostKey} is set when the subtree's smallest key changed
     */
    private Node remove(Node node, byte[] key) {
        if (node.isLeaf()) {
            if (Arrays.equals(key, node.key)) {
                removed = true;
                newLeftmostKey = null;
                return null;
            }
            return node;
        }
        if (compare(key, node.key) < 0) {
            Node newLeft = remove(node.left, key);
            if (!removed) {
                return node;
            }
            if (newLeft == null) {
                // The sibling replaces the parent unchanged (old version, old hash); the smallest
                // key of what remains is this node's key, which an ancestor may need.
                newLeftmostKey = node.key;
                return node.right;
            }
            // newLeftmostKey passes through: this node's own key is in its right subtree.
            return balance(Node.inner(node.key, newLeft, node.right, version));
        }
        Node newRight = remove(node.right, key);
        if (!removed) {
            return node;
        }
        if (newRight == null) {
            newLeftmostKey = null;
            return node.left;
        }
        byte[] ownKey = newLeftmostKey != null ? newLeftmostKey : node.key;
        newLeftmostKey = null;
        return balance(Node.inner(ownKey, node.left, newRight, version));
    }

    /** iavl's balance: rotations copy both nodes they move, which therefore take the new version. */
    private Node balance(Node node) {
        int balance = node.balance();
        if (balance > 1) {
            if (node.left.balance() >= 0) {
                return rotateRight(node);
            }
            return rotateRight(Node.inner(node.key, rotateLeft(node.left), node.right, version));
        }
        if (balance < -1) {
            if (node.right.balance() <= 0) {
                return rotateLeft(node);
            }
            return rotateLeft(Node.inner(node.key, node.left, rotateRight(node.right), version));
        }
        return node;
    }

    private Node rotateRight(Node node) {
        Node pivot = node.left;
        Node lowered = Node.inner(node.key, pivot.right, node.right, version);
        return Node.inner(pivot.key, pivot.left, lowered, version);
    }

    private Node rotateLeft(Node node) {
        Node pivot = node.right;
        Node lowered = Node.inner(node.key, node.left, pivot.left, version);
        return Node.inner(pivot.key, lowered, pivot.right, version);
    }

    /** Hashes every node created for this version; the root hash, or the empty-tree hash. */
    byte[] hashRoot(NodeHasher hasher) {
        if (root == null) {
            return NodeHasher.EMPTY_ROOT.clone();
        }
        root.computeHash(hasher);
        return root.hash();
    }

    static int compare(byte[] a, byte[] b) {
        return KeyValue.KEY_ORDER.compare(a, b);
    }
}
