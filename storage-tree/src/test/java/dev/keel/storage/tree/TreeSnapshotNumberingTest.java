package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keel.storage.api.CommitMetadata;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree snapshot writer numbers a window's nodes by their versions (a node older than the tree
 * being numbered was numbered with an earlier one): on random windows, with rollbacks, empty
 * trees and empty commits, every distinct node is written exactly once and every version reads
 * back with its root and contents.
 */
class TreeSnapshotNumberingTest {

    @Test
    void randomWindowsWriteEachSharedNodeOnceAndReadBack(@TempDir Path dir) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("randomWindowsWriteEachSharedNodeOnceAndReadBack: seed " + seed);
        Random rnd = new Random(seed);
        NodeHasher hasher = new NodeHasher();
        for (int round = 0; round < 150; round++) {
            List<SavedVersion> history = new ArrayList<>();
            history.add(SavedVersion.empty());
            for (int i = 1 + rnd.nextInt(40); i > 0; i--) {
                if (history.size() > 2 && rnd.nextInt(8) == 0) {
                    // A rollback: later versions are rebuilt from an earlier tree.
                    history.subList(1 + rnd.nextInt(history.size() - 1), history.size()).clear();
                }
                SavedVersion base = history.get(history.size() - 1);
                long version = base.version() + 1;
                WorkingTree tree = new WorkingTree(base.root(), version);
                for (int k = rnd.nextInt(12); k > 0; k--) {
                    byte[] key = {(byte) rnd.nextInt(40)};
                    if (rnd.nextInt(3) == 0) {
                        tree.remove(key);
                    } else {
                        tree.set(key, new byte[] {(byte) rnd.nextInt()});
                    }
                }
                byte[] hash = tree.hashRoot(hasher);
                history.add(new SavedVersion(version, tree.root(), hash, CommitMetadata.EMPTY));
            }
            List<SavedVersion> window = history.subList(rnd.nextInt(history.size()), history.size());
            Path file = dir.resolve("snapshot-" + round);
            TreeSnapshotFile.write(file, 1, window);

            Set<Node> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            for (SavedVersion v : window) {
                collect(v.root(), distinct);
            }
            int written = ByteBuffer.wrap(Files.readAllBytes(file), 20, 4).getInt();
            assertEquals(distinct.size(), written, "nodes written once each, seed " + seed + " round " + round);

            List<SavedVersion> read = TreeSnapshotFile.read(file).versions();
            assertEquals(window.size(), read.size(), "seed " + seed);
            for (int i = 0; i < window.size(); i++) {
                assertEquals(window.get(i).version(), read.get(i).version(), "seed " + seed);
                assertArrayEquals(window.get(i).rootHash(), read.get(i).rootHash(), "seed " + seed);
                assertEquals(pairs(window.get(i).root()), pairs(read.get(i).root()), "seed " + seed);
            }
        }
    }

    @Test
    void versionsOutOfOrderAreRefused(@TempDir Path dir) {
        WorkingTree tree = new WorkingTree(null, 1);
        tree.set(new byte[] {1}, new byte[] {1});
        SavedVersion one = new SavedVersion(1, tree.root(), tree.hashRoot(new NodeHasher()), CommitMetadata.EMPTY);
        assertThrows(IllegalArgumentException.class,
                () -> TreeSnapshotFile.write(dir.resolve("s"), 1, List.of(one, one)));
    }

    private static void collect(Node n, Set<Node> into) {
        if (n == null || !into.add(n)) {
            return;
        }
        if (!n.isLeaf()) {
            collect(n.left, into);
            collect(n.right, into);
        }
    }

    private static List<String> pairs(Node root) {
        List<String> out = new ArrayList<>();
        TreeReads.Leaves leaves = new TreeReads.Leaves(root, null, null);
        while (leaves.hasNext()) {
            Node leaf = leaves.next();
            out.add(java.util.HexFormat.of().formatHex(leaf.key) + "=" + java.util.HexFormat.of().formatHex(leaf.value));
        }
        return out;
    }
}
