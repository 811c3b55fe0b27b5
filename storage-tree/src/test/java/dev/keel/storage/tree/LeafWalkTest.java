package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched leaf walk visits exactly the leaves a plain recursive in-order walk visits. */
class LeafWalkTest {

    /** The reference: a recursive in-order walk, one leaf after the other. */
    private static void inOrder(Node n, List<Node> out) {
        if (n.isLeaf()) {
            out.add(n);
        } else {
            inOrder(n.left, out);
            inOrder(n.right, out);
        }
    }

    private static Node randomTree(Random rnd, int keys) {
        WorkingTree tree = new WorkingTree(null, 1);
        for (int i = 0; i < keys; i++) {
            byte[] key = new byte[1 + rnd.nextInt(4)];
            rnd.nextBytes(key);
            byte[] value = new byte[rnd.nextInt(20)];
            rnd.nextBytes(value);
            tree.set(key, value);
        }
        if (keys > 0 && rnd.nextBoolean()) {
            for (int i = 0; i < keys / 3; i++) {
                byte[] key = new byte[1 + rnd.nextInt(4)];
                rnd.nextBytes(key);
                tree.remove(key);
            }
        }
        return tree.root();
    }

    @Test
    void everyBatchSizeVisitsTheLeavesInKeyOrder() {
        long seed = Long.getLong("keel.test.seed", System.nanoTime());
        System.out.println("LeafWalkTest seed " + seed + " (rerun with -Dkeel.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        for (int round = 0; round < 60; round++) {
            int keys = round < 5 ? round : rnd.nextInt(round < 40 ? 300 : 5000);
            Node root = randomTree(rnd, keys);
            if (root == null) {
                continue;
            }
            List<Node> expected = new ArrayList<>();
            inOrder(root, expected);
            int[] batches = {1, 2, 7, 1 + rnd.nextInt(500), LeafWalk.BATCH};
            for (int batch : batches) {
                List<byte[]> keysSeen = new ArrayList<>();
                List<byte[]> valuesSeen = new ArrayList<>();
                LeafWalk.visit(root, (k, v) -> {
                    keysSeen.add(k);
                    valuesSeen.add(v);
                }, batch);
                String where = "seed " + seed + ", round " + round + ", " + keys + " keys, batch " + batch;
                assertEquals(expected.size(), keysSeen.size(), where);
                for (int i = 0; i < expected.size(); i++) {
                    // The tree's own arrays, not copies, in order.
                    assertSame(expected.get(i).key, keysSeen.get(i), where + ", leaf " + i);
                    assertSame(expected.get(i).value, valuesSeen.get(i), where + ", leaf " + i);
                }
            }
        }
    }

    @Test
    void aVisitorsExceptionStopsTheWalk() {
        Node root = randomTree(new Random(5), 100);
        int[] seen = {0};
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> LeafWalk.visit(root, (k, v) -> {
            if (++seen[0] == 10) {
                throw new IllegalStateException("stop");
            }
        }, 8));
        assertEquals("stop", thrown.getMessage());
        assertEquals(10, seen[0]);
    }

    @Test
    void rejectsAnEmptyBatch() {
        Node root = randomTree(new Random(1), 3);
        assertThrows(IllegalArgumentException.class, () -> LeafWalk.visit(root, (k, v) -> { }, 0));
    }
}
