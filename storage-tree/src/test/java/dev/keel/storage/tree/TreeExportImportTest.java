package dev.keel.storage.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.CommitmentMismatchException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IAVL node export (cosmos/iavl's post-order stream) and its import, beyond the shared suite. */
class TreeExportImportTest {
    @TempDir
    Path tempDir;

    private VersionedStore source;
    private CommitInfo exported;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void fillSource() {
        source = Stores.open("tree", tempDir.resolve("source"), StoreOptions.defaults().withSync(false));
        // The alphabet vector's first two versions: rotations, then a removal.
        source.commit(ChangeSet.builder().put(b("a"), b("1")).put(b("b"), b("2")).put(b("c"), b("3"))
                .put(b("d"), b("4")).put(b("e"), b("5")).put(b("f"), b("6")).put(b("g"), b("7")).build(), CommitMetadata.EMPTY);
        exported = source.commit(ChangeSet.builder().delete(b("d")).put(b("h"), b("")).build(), CommitMetadata.atPosition(9, 3));
    }

    @org.junit.jupiter.api.AfterEach
    void closeSource() {
        source.close();
    }

    private List<ExportRecord> records(long version) {
        List<ExportRecord> out = new ArrayList<>();
        try (StoreExport export = source.export(version)) {
            export.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void exportIsPostOrderWithLeavesInKeyOrderAndTheRootLast() {
        List<ExportRecord> nodes = records(2);
        assertEquals(2 * 7 - 1, nodes.size(), "7 keys make 13 nodes");
        List<String> leaves = new ArrayList<>();
        int pendingSubtrees = 0;
        for (ExportRecord r : nodes) {
            if (r.height() == 0) {
                leaves.add(new String(r.key(), StandardCharsets.UTF_8));
                pendingSubtrees++;
            } else {
                assertNull(r.value(), "inner nodes carry no value");
                assertTrue(pendingSubtrees >= 2, "an inner node follows both its subtrees");
                pendingSubtrees--;
            }
            assertTrue(r.version() == 1 || r.version() == 2, "version " + r.version());
        }
        assertEquals(List.of("a", "b", "c", "e", "f", "g", "h"), leaves);
        assertEquals(1, pendingSubtrees);
        ExportRecord root = nodes.get(nodes.size() - 1);
        assertEquals(3, root.height(), "root height of a 7-leaf AVL tree");
        assertEquals(2, root.version(), "the root was copied by the second version");
        // Leaf c was not touched by version 2: it keeps version 1.
        assertEquals(1, nodes.stream().filter(r -> r.height() == 0 && new String(r.key(), StandardCharsets.UTF_8).equals("c"))
                .findFirst().orElseThrow().version());
    }

    @Test
    void importRebuildsTheSameRootAndTheNextCommitsMatchTheSource() {
        try (VersionedStore target = Stores.open("tree", tempDir.resolve("target"), StoreOptions.defaults());
             StoreExport export = source.export(2)) {
            assertEquals(exported, target.importFrom(ImportSource.of(export), ProgressListener.NONE));
            ChangeSet next = ChangeSet.builder().put(b("c"), b("x")).put(b("zz"), b("y")).build();
            assertEquals(source.commit(next, CommitMetadata.EMPTY), target.commit(next, CommitMetadata.EMPTY),
                    "an imported tree keeps the node versions, so later roots agree too");
        }
    }

    @Test
    void changedNodeVersionFailsTheCommitmentCheckAndLeavesTheTargetEmpty() {
        assertRejected(CommitmentMismatchException.class, rs -> {
            ExportRecord r = rs.get(0);
            rs.set(0, new ExportRecord(r.key(), r.value(), r.version() == 1 ? 2 : 1, r.height()));
            return rs;
        });
    }

    @Test
    void innerNodeWithoutChildrenIsMalformed() {
        assertRejected(IncompatibleExportException.class, rs -> {
            rs.add(0, new ExportRecord(b("a"), null, 1, 1));
            return rs;
        });
    }

    @Test
    void leavesOutOfKeyOrderAreMalformed() {
        assertRejected(IncompatibleExportException.class, rs -> {
            ExportRecord first = rs.get(0);
            ExportRecord second = rs.get(1);
            rs.set(0, second);
            rs.set(1, first);
            return rs;
        });
    }

    @Test
    void aLeftOverSubtreeIsMalformed() {
        assertRejected(IncompatibleExportException.class, rs -> {
            rs.add(new ExportRecord(b("zzz"), b("1"), 1, 0));
            return rs;
        });
    }

    @Test
    void wrongHeightIsMalformed() {
        assertRejected(IncompatibleExportException.class, rs -> {
            ExportRecord root = rs.get(rs.size() - 1);
            rs.set(rs.size() - 1, new ExportRecord(root.key(), null, root.version(), root.height() + 1));
            return rs;
        });
    }

    @Test
    void versionAboveTheExportedOneIsMalformed() {
        assertRejected(IncompatibleExportException.class, rs -> {
            ExportRecord r = rs.get(0);
            rs.set(0, new ExportRecord(r.key(), r.value(), 3, 0));
            return rs;
        });
    }

    @Test
    void logicalExportIsNotImportableIntoATree() {
        try (VersionedStore target = Stores.open("tree", tempDir.resolve("target"), StoreOptions.defaults());
             StoreExport logical = source.exportLogical(2)) {
            assertEquals(StoreExport.KIND_KEY_VALUE, logical.recordKind());
            assertThrows(IncompatibleExportException.class, () -> target.importFrom(ImportSource.of(logical), ProgressListener.NONE));
            assertEquals(0, target.latestVersion());
        }
    }

    @Test
    void replaceKeepsOldViewsAndSurvivesReopen() {
        Path dir = tempDir.resolve("target");
        try (VersionedStore target = Stores.open("tree", dir, StoreOptions.defaults())) {
            target.commit(ChangeSet.builder().put(b("mine"), b("1")).build(), CommitMetadata.EMPTY);
            try (StoreView old = target.view(1); StoreExport export = source.export(2)) {
                assertEquals(exported, target.replaceFrom(ImportSource.of(export), ProgressListener.NONE));
                assertArrayEquals(b("1"), old.get(b("mine")).orElseThrow(), "a view opened before keeps the old state");
            }
            assertTrue(target.get(b("mine")).isEmpty());
        }
        try (VersionedStore target = Stores.open("tree", dir, StoreOptions.defaults())) {
            assertEquals(exported, target.latest());
            assertEquals(2, target.oldestRetainedVersion());
        }
    }

    @Test
    void randomTreesRoundTripThroughExportAndImport() {
        long seed = new Random().nextLong();
        System.out.println("randomTreesRoundTripThroughExportAndImport: seed " + seed);
        Random rnd = new Random(seed);
        try (VersionedStore big = Stores.open("tree", tempDir.resolve("big"), StoreOptions.defaults().withSync(false))) {
            for (int v = 0; v < 20; v++) {
                ChangeSet.Builder cs = ChangeSet.builder();
                for (int i = 0; i < 50; i++) {
                    byte[] key = new byte[1 + rnd.nextInt(3)];
                    rnd.nextBytes(key);
                    if (rnd.nextInt(3) == 0) {
                        cs.delete(key);
                    } else {
                        cs.put(key, new byte[rnd.nextInt(4)]);
                    }
                }
                big.commit(cs.build(), CommitMetadata.atPosition(v, 1));
            }
            for (long v = 15; v <= 20; v++) {
                try (VersionedStore target = Stores.open("tree", tempDir.resolve("t" + v), StoreOptions.defaults().withSync(false));
                     StoreExport export = big.export(v)) {
                    assertEquals(export.info(), target.importFrom(ImportSource.of(export), ProgressListener.NONE), "seed " + seed);
                }
            }
        }
    }

    private void assertRejected(Class<? extends Throwable> expected, UnaryOperator<List<ExportRecord>> tamper) {
        List<ExportRecord> tampered = tamper.apply(records(2));
        try (VersionedStore target = Stores.open("tree", tempDir.resolve("target"), StoreOptions.defaults())) {
            ImportSource src = new ImportSource("tree", StoreExport.KIND_IAVL_NODE, exported, tampered.size(), tampered.iterator());
            assertThrows(expected, () -> target.importFrom(src, ProgressListener.NONE));
            assertEquals(0, target.latestVersion(), "the target stays empty");
            try (StoreExport export = source.export(2)) {
                assertEquals(exported, target.importFrom(ImportSource.of(export), ProgressListener.NONE), "and still importable");
            }
        }
    }
}
