package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Structural rules of the path-copying IAVL tree on random histories, against a sorted-map model. */
class WorkingTreeTest {

    @Test
    void randomHistoriesKeepAvlBalanceIavlKeysAndUntouchedOldVersions() {
        long seed = new Random().nextLong();
        System.out.println("randomHistoriesKeepAvlBalanceIavlKeysAndUntouchedOldVersions: seed " + seed);
        Random rnd = new Random(seed);
        NodeHasher hasher = new NodeHasher();
        TreeMap<byte[], byte[]> model = new TreeMap<>(KeyValue.KEY_ORDER);
        List<Node> roots = new ArrayList<>();
        List<Map<byte[], byte[]>> contents = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        Node root = null;
        for (long version = 1; version <= 60; version++) {
            WorkingTree tree = new WorkingTree(root, version);
            for (int i = rnd.nextInt(30); i >= 0; i--) {
                byte[] key = {(byte) rnd.nextInt(256), (byte) rnd.nextInt(4)};
                if (rnd.nextInt(3) == 0) {
                    tree.remove(key);
                    model.remove(key);
                } else {
                    byte[] value = {(byte) version};
                    tree.set(key, value);
                    model.put(key, value);
                }
            }
            hashes.add(tree.hashRoot(hasher));
            root = tree.root();
            roots.add(root);
            TreeMap<byte[], byte[]> copy = new TreeMap<>(KeyValue.KEY_ORDER);
            copy.putAll(model);
            contents.add(copy);
            checkNode(root, version, "seed " + seed + " version " + version);
        }
        for (int i = 0; i < roots.size(); i++) {
            List<byte[]> keys = new ArrayList<>();
            TreeReads.Leaves leaves = new TreeReads.Leaves(roots.get(i), null, null);
            while (leaves.hasNext()) {
                Node leaf = leaves.next();
                keys.add(leaf.key);
                assertArrayEquals(contents.get(i).get(leaf.key), leaf.value, "seed " + seed);
            }
            assertEquals(contents.get(i).size(), keys.size(), "version " + (i + 1) + " kept its content, seed " + seed);
            assertArrayEquals(hashes.get(i), roots.get(i) == null ? NodeHasher.EMPTY_ROOT : rehash(roots.get(i), new NodeHasher()),
                    "cached hashes equal a full rehash, seed " + seed);
        }
    }

    @Test
    void removingTheOnlySiblingLeafKeepsTheSiblingSubtreeUnchanged() {
        NodeHasher hasher = new NodeHasher();
        WorkingTree v1 = new WorkingTree(null, 1);
        v1.set(new byte[] {1}, new byte[] {1});
        v1.set(new byte[] {2}, new byte[] {2});
        v1.hashRoot(hasher);
        Node keep = v1.root().right;
        WorkingTree v2 = new WorkingTree(v1.root(), 2);
        v2.remove(new byte[] {1});
        assertSame(keep, v2.root(), "the sibling replaces its parent unchanged, with its old version and hash");
        assertEquals(1, v2.root().version);
    }

    @Test
    void removingAnAbsentKeyCopiesNothing() {
        WorkingTree v1 = new WorkingTree(null, 1);
        for (int i = 0; i < 10; i++) {
            v1.set(new byte[] {(byte) (2 * i)}, new byte[0]);
        }
        Node before = v1.root();
        WorkingTree v2 = new WorkingTree(before, 2);
        v2.remove(new byte[] {5});
        assertSame(before, v2.root());
    }

    private static byte[] rehash(Node n, NodeHasher hasher) {
        if (n.isLeaf()) {
            return hasher.leaf(n.version, n.key, n.value);
        }
        return hasher.inner(n.height, n.size, n.version, rehash(n.left, hasher), rehash(n.right, hasher));
    }

    /** @return the smallest key of the subtree */
    private static byte[] checkNode(Node n, long maxVersion, String where) {
        if (n == null) {
            return null;
        }
        assertTrue(n.version >= 1 && n.version <= maxVersion, where);
        if (n.isLeaf()) {
            assertEquals(1, n.size, where);
            return n.key;
        }
        byte[] leftMin = checkNode(n.left, maxVersion, where);
        byte[] rightMin = checkNode(n.right, maxVersion, where);
        assertEquals(Math.max(n.left.height, n.right.height) + 1, n.height, where + ": height");
        assertEquals(n.left.size + n.right.size, n.size, where + ": size");
        assertTrue(Math.abs(n.balance()) <= 1, where + ": balance " + n.balance());
        assertArrayEquals(rightMin, n.key, where + ": an inner key is the smallest key of its right subtree");
        return leftMin;
    }
}
