package dev.keel.storage.tree;

import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a tree from IAVL node records in post-order, as cosmos/iavl's {@code import.go} does: a
 * leaf is pushed on a stack; an inner node takes the two nodes on top of the stack as its children.
 * Every node keeps the version it was exported with, so the rebuilt root hash equals the exported
 * one exactly when the records are the exported ones.
 *
 * <p>A stream that cannot be a tree (an inner node without two children, heights that do not add
 * up, leaves out of key order, a version above the exported one, records left over) is an
 * {@link IncompatibleExportException} ("malformed"); a well-formed tree with other content is left
 * to the caller's commitment check. Not thread-safe.
 */
final class NodeImporter {
    private final long targetVersion;
    private final NodeHasher hasher = new NodeHasher();
    private final List<Node> stack = new ArrayList<>();
    private byte[] lastLeafKey;
    private long count;

    NodeImporter(long targetVersion) {
        this.targetVersion = targetVersion;
    }

    void add(ExportRecord r) {
        byte[] key = r.key();
        byte[] value = r.value();
        long version = r.version();
        if (version < 1 || version > targetVersion) {
            throw malformed("has version " + version + " outside 1.." + targetVersion);
        }
        try {
            Limits.checkKey(key);
            if (value != null) {
                Limits.checkValue(value);
            }
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
        if (r.height() == 0) {
            if (value == null) {
                throw malformed("is a leaf without a value");
            }
            if (lastLeafKey != null && WorkingTree.compare(lastLeafKey, key) >= 0) {
                throw malformed("is a leaf out of key order");
            }
            lastLeafKey = key;
            Node leaf = Node.leaf(key, value, version);
            leaf.computeHash(hasher);
            stack.add(leaf);
        } else {
            if (value != null) {
                throw malformed("is an inner node with a value");
            }
            if (stack.size() < 2) {
                throw malformed("is an inner node with " + stack.size() + " nodes to take as children");
            }
            Node right = stack.remove(stack.size() - 1);
            Node left = stack.remove(stack.size() - 1);
            Node inner = Node.inner(key, left, right, version);
            if (inner.height != r.height()) {
                throw malformed("has height " + r.height() + " but its children make it " + inner.height);
            }
            if (Math.abs(inner.balance()) > 1) {
                throw malformed("is unbalanced (" + inner.balance() + ")");
            }
            inner.computeHash(hasher);
            stack.add(inner);
        }
        count++;
    }

    long count() {
        return count;
    }

    /** @return the root (null for an empty stream) */
    Node finish() {
        if (stack.size() > 1) {
            throw new IncompatibleExportException("malformed IAVL export: " + stack.size()
                    + " subtrees left after " + count + " records (a record is missing)");
        }
        return stack.isEmpty() ? null : stack.get(0);
    }

    private IncompatibleExportException malformed(String what) {
        return new IncompatibleExportException("malformed IAVL export: record " + count + " " + what);
    }
}
