package dev.keel.storage.tree;

import dev.keel.storage.api.PairVisitor;

/**
 * Visits the leaves of a tree in key order, handing the visitor the tree's own arrays.
 *
 * <p>Leaves are gathered a batch at a time, and the lengths of the batch's key and value arrays
 * are read before the visitor sees any of them: those loads do not depend on each other, so in a
 * tree too big for the caches the processor has their misses in flight together, instead of
 * meeting them one after another inside the visitor. (Measured on the logical digest of a 1M-key
 * tree: about a tenth faster than visiting each leaf as the walk reaches it. Interleaving several
 * subtree walks to overlap the misses on inner nodes too was slower.)
 *
 * <p>Stateless; a call allocates two small arrays.
 */
final class LeafWalk {
    /** Leaves gathered before they are visited. */
    static final int BATCH = 32;

    /** Written after each batch and read by nobody: keeps the loads that fetch the arrays. */
    @SuppressWarnings("unused")
    private static int touchedBytes;

    private LeafWalk() {
    }

    /** Visits every leaf under {@code root} in key order. */
    static void visit(Node root, PairVisitor visitor) {
        visit(root, visitor, BATCH);
    }

    /** As {@link #visit(Node, PairVisitor)} with another batch size (tests). */
    static void visit(Node root, PairVisitor visitor, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1: " + batch);
        }
        Node[] leaves = new Node[batch];
        int count = 0;
        // Right subtrees still to walk; a path is at most Node.MAX_HEIGHT deep.
        Node[] pending = new Node[Node.MAX_HEIGHT + 1];
        int depth = 0;
        Node n = root;
        while (true) {
            while (!n.isLeaf()) {
                pending[depth++] = n.right;
                n = n.left;
            }
            leaves[count++] = n;
            if (count == batch) {
                visitBatch(leaves, count, visitor);
                count = 0;
            }
            if (depth == 0) {
                break;
            }
            n = pending[--depth];
        }
        visitBatch(leaves, count, visitor);
    }

    private static void visitBatch(Node[] leaves, int count, PairVisitor visitor) {
        int lengths = 0;
        for (int i = 0; i < count; i++) {
            lengths += leaves[i].key.length + leaves[i].value.length;
        }
        touchedBytes = lengths;
        for (int i = 0; i < count; i++) {
            visitor.visit(leaves[i].key, leaves[i].value);
        }
    }
}
