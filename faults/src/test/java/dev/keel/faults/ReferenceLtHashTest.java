package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process-crash campaign's report of a commitment mismatch: its from-scratch LtHash agrees
 * with flatkv's on what flatkv holds, and the report says where two stores part.
 */
class ReferenceLtHashTest {
    private static final long SEED = Long.getLong("keel.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void agreesWithFlatkvOnRandomVersionsIncludingDeletesAndEmptyValues() {
        System.out.println("ReferenceLtHashTest seed=" + SEED + " (replay: -Dkeel.test.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        try (VersionedStore store = Stores.open("flatkv", dir, StoreOptions.defaults().withSync(false))) {
            assertEquals(store.commitment(), ReferenceLtHash.of(List.of()), "the empty store");
            for (int version = 1; version <= 20; version++) {
                List<Mutation> ops = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(30); i < n; i++) {
                    byte[] key = {(byte) random.nextInt(64)};
                    if (random.nextInt(4) == 0) {
                        ops.add(Mutation.delete(key));
                    } else {
                        byte[] value = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(100)];
                        random.nextBytes(value);
                        ops.add(Mutation.put(key, value));
                    }
                }
                store.commit(ChangeSet.of(ops), CommitMetadata.atPosition(version, 1));
                assertEquals(store.commitment(), ReferenceLtHash.of(content(store)), "version " + version);
            }
            assertNotEquals(ReferenceLtHash.of(List.of()), store.commitment(), "the store holds pairs");
        }
    }

    /**
     * The campaign's mismatch report names the first version where two stores part and which of
     * them the from-scratch hash sides with.
     */
    @Test
    void theMismatchReportNamesTheFirstDifferingVersionAndTheStoreTheReferenceAgreesWith() {
        try (VersionedStore node = Stores.open("flatkv", dir.resolve("node"), StoreOptions.defaults().withSync(false));
             VersionedStore model = Stores.open("flatkv", dir.resolve("model"), StoreOptions.defaults().withSync(false))) {
            for (VersionedStore s : List.of(node, model)) {
                s.commit(ChangeSet.of(List.of(Mutation.put(bytes("a"), bytes("1")))), CommitMetadata.atPosition(1, 1));
            }
            node.commit(ChangeSet.of(List.of(Mutation.put(bytes("b"), bytes("2")))), CommitMetadata.atPosition(2, 1));
            model.commit(ChangeSet.of(List.of(Mutation.put(bytes("b"), bytes("3")))), CommitMetadata.atPosition(2, 1));
            node.commit(ChangeSet.of(List.of(Mutation.put(bytes("c"), bytes("4")))), CommitMetadata.atPosition(3, 1));
            model.commit(ChangeSet.of(List.of(Mutation.put(bytes("c"), bytes("4")))), CommitMetadata.atPosition(3, 1));

            String report = HistoryModel.thirdOpinion(node, model, 3, content(model));

            assertTrue(report.contains("the first retained version that differs is 2 (both retain 1 on)"), report);
            assertTrue(report.contains("asked again: node " + node.commitment() + ", model store "
                    + model.commitment()), report);
            assertTrue(report.endsWith("hashed from scratch: " + model.commitment()), report);
        }
    }

    @Test
    void theMismatchReportSurvivesAClosedStore() {
        VersionedStore closed = Stores.open("flatkv", dir.resolve("closed"), StoreOptions.defaults().withSync(false));
        closed.close();
        try (VersionedStore other = Stores.open("flatkv", dir.resolve("other"), StoreOptions.defaults().withSync(false))) {
            String report = HistoryModel.thirdOpinion(closed, other, 0, List.of());
            assertTrue(report.startsWith("asked again: node ; the comparison stopped: java.lang.IllegalStateException"),
                    report);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static List<KeyValue> content(VersionedStore store) {
        List<KeyValue> out = new ArrayList<>();
        try (StoreView view = store.view(store.latestVersion()); KeyValueIterator it = view.scan(null, null)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }
}
