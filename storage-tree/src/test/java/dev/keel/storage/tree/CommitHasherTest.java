package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Parallel hashing of a commit's new nodes gives the single thread's hashes, node for node. */
class CommitHasherTest {

    @Test
    void largeCommitsHashedOnSeveralThreadsMatchOneThreadNodeForNode() {
        long seed = new Random().nextLong();
        System.out.println("largeCommitsHashedOnSeveralThreadsMatchOneThreadNodeForNode: seed " + seed);
        String where = "seed " + seed;
        Random rnd = new Random(seed);
        try (CommitHasher parallel = new CommitHasher(3)) {
            Node[] roots = new Node[2];
            NodeHasher single = new NodeHasher();
            for (long version = 1; version <= 6; version++) {
                WorkingTree[] trees = {new WorkingTree(roots[0], version), new WorkingTree(roots[1], version)};
                int changes = version == 1 ? 5000 : CommitHasher.PARALLEL_MIN_CHANGES + rnd.nextInt(3000);
                for (int i = 0; i < changes; i++) {
                    byte[] key = new byte[3];
                    rnd.nextBytes(key);
                    byte[] value = new byte[rnd.nextInt(40)];
                    rnd.nextBytes(value);
                    boolean remove = version > 1 && rnd.nextInt(4) == 0;
                    for (WorkingTree t : trees) {
                        if (remove) {
                            t.remove(key);
                        } else {
                            t.set(key, value);
                        }
                    }
                }
                byte[] expected = trees[0].hashRoot(single);
                byte[] actual = parallel.hash(trees[1].root(), changes);
                assertArrayEquals(expected, actual, where + " version " + version);
                roots[0] = trees[0].root();
                roots[1] = trees[1].root();
                assertSameHashes(roots[0], roots[1], where + " version " + version);
            }
        }
    }

    @Test
    void aCommitBelowTheThresholdIsHashedLikeOneThread() {
        try (CommitHasher parallel = new CommitHasher(2)) {
            WorkingTree a = new WorkingTree(null, 1);
            WorkingTree b = new WorkingTree(null, 1);
            for (int i = 0; i < 10; i++) {
                a.set(new byte[] {(byte) i}, new byte[] {(byte) i});
                b.set(new byte[] {(byte) i}, new byte[] {(byte) i});
            }
            assertArrayEquals(a.hashRoot(new NodeHasher()), parallel.hash(b.root(), 10));
        }
    }

    private static void assertSameHashes(Node a, Node b, String where) {
        if (a == null) {
            assertNull(b, where);
            return;
        }
        assertArrayEquals(a.hash(), b.hash(), where);
        if (!a.isLeaf()) {
            assertSameHashes(a.left, b.left, where);
            assertSameHashes(a.right, b.right, where);
        }
    }
}
