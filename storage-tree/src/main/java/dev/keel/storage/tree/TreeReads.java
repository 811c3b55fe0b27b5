package dev.keel.storage.tree;

import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.KeyValue;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.NoSuchElementException;

/** Reads over an immutable tree: point lookups, ordered leaf walks, post-order node walks. */
final class TreeReads {
    private TreeReads() {
    }

    /** @return the value under {@code key}, or {@code null} when absent */
    static byte[] get(Node root, byte[] key) {
        Node n = root;
        if (n == null) {
            return null;
        }
        while (!n.isLeaf()) {
            n = WorkingTree.compare(key, n.key) < 0 ? n.left : n.right;
        }
        return java.util.Arrays.equals(n.key, key) ? n.value : null;
    }

    /** Leaves with keys in {@code [from, to)} in key order; {@code null} bounds are open. */
    static final class Leaves {
        private final Deque<Node> pending = new ArrayDeque<>();
        private final byte[] to;
        private Node next;

        Leaves(Node root, byte[] from, byte[] to) {
            this.to = to;
            Node n = root;
            if (n != null && from != null && to != null && WorkingTree.compare(from, to) >= 0) {
                n = null;
            }
            // Descend towards `from`, remembering the right subtrees still to visit.
            while (n != null && !n.isLeaf()) {
                if (from == null || WorkingTree.compare(from, n.key) < 0) {
                    pending.push(n.right);
                    n = n.left;
                } else {
                    n = n.right;
                }
            }
            if (n != null && (from == null || WorkingTree.compare(n.key, from) >= 0)) {
                pending.push(n);
            }
            advance();
        }

        boolean hasNext() {
            return next != null;
        }

        Node next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Node out = next;
            advance();
            return out;
        }

        private void advance() {
            next = null;
            if (pending.isEmpty()) {
                return;
            }
            Node n = pending.pop();
            while (!n.isLeaf()) {
                pending.push(n.right);
                n = n.left;
            }
            if (to != null && WorkingTree.compare(n.key, to) >= 0) {
                pending.clear();
                return;
            }
            next = n;
        }

        KeyValue nextPair() {
            Node n = next();
            return new KeyValue(n.key, n.value);
        }
    }

    /** Every node in post-order (left, right, node), as cosmos/iavl's {@code export.go} emits them. */
    static final class PostOrder {
        private final Deque<Node> stack = new ArrayDeque<>();
        private final Deque<Boolean> expanded = new ArrayDeque<>();

        PostOrder(Node root) {
            if (root != null) {
                stack.push(root);
                expanded.push(Boolean.FALSE);
            }
        }

        boolean hasNext() {
            return !stack.isEmpty();
        }

        Node next() {
            if (stack.isEmpty()) {
                throw new NoSuchElementException();
            }
            while (true) {
                Node n = stack.peek();
                if (n.isLeaf() || expanded.peek()) {
                    stack.pop();
                    expanded.pop();
                    return n;
                }
                expanded.pop();
                expanded.push(Boolean.TRUE);
                stack.push(n.right);
                expanded.push(Boolean.FALSE);
                stack.push(n.left);
                expanded.push(Boolean.FALSE);
            }
        }

        ExportRecord nextRecord() {
            Node n = next();
            return new ExportRecord(n.key, n.isLeaf() ? n.value : null, n.version, n.height);
        }
    }
}
