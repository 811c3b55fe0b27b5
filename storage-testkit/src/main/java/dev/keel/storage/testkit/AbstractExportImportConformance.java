package dev.keel.storage.testkit;

import static dev.keel.storage.testkit.ModelAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitmentMismatchException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreNotEmptyException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Conformance of export and import: a round trip rebuilds the exported version exactly (version,
 * commitment, metadata, content) in an empty store or in place of a live one; every rejected
 * import (not empty, another backend or record kind, tampered records) leaves the target as it
 * was; the logical export is the version's sorted key-value pairs.
 *
 * <p>Tampering is done by wrapping the export's record iterator: one record's value changed, or
 * one record dropped. A changed value must fail the commitment check
 * ({@link CommitmentMismatchException}). A dropped record must too when the backend's records are
 * {@value StoreExport#KIND_KEY_VALUE} pairs; a backend whose records are tree nodes may instead
 * detect the broken structure first ({@link IncompatibleExportException}, "malformed").
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractExportImportConformance extends StoreConformanceSupport {
    private static final int SOURCE_KEYS = 40;

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractExportImportConformance() {
    }

    @Test
    void importRebuildsTheExportedVersionInAnEmptyStore() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        CommitInfo exported;
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            exported = fill(source, model, 3);
            try (StoreExport export = source.export(3)) {
                assertEquals(expectedRecordKind(), export.recordKind());
                assertEquals(source.backend(), export.backend());
                assertEquals(exported, export.info());
                CommitInfo imported = target.importFrom(ImportSource.of(export), ProgressListener.NONE);
                assertEquals(exported, imported);
            }
            assertImported(model.snapshot(3), exported, target);
            CommitInfo next = target.commit(changes("after=1"), metadata(99));
            assertEquals(4, next.version(), "the commit after an import of version 3 is 4");
        }
        try (VersionedStore target = open("target", opts)) {
            assertEquals(4, target.latestVersion(), "imported store after reopen");
            try (StoreView view = target.view(3)) {
                ModelAssertions.assertShows(model.snapshot(3), exported.commitment(), view, () -> "imported version after reopen");
            }
        }
    }

    @Test
    void importOfAHistoricalVersionRebuildsThatVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            fill(source, model, 4);
            CommitInfo second;
            try (StoreView view = source.view(2)) {
                second = view.info();
            }
            try (StoreExport export = source.export(2)) {
                assertEquals(second, target.importFrom(ImportSource.of(export), ProgressListener.NONE));
            }
            assertImported(model.snapshot(2), second, target);
        }
    }

    @Test
    void importReportsProgressUpToTheRecordCount() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            fill(source, model, 2);
            long records = countRecords(source, 2);
            List<long[]> calls = new ArrayList<>();
            long announced;
            try (StoreExport export = source.export(2)) {
                announced = export.recordCount();
                target.importFrom(ImportSource.of(export), (done, total) -> calls.add(new long[] {done, total}));
            }
            assertFalse(calls.isEmpty(), "the listener was never called");
            long previous = 0;
            for (long[] call : calls) {
                assertTrue(call[0] >= previous, "progress went backwards: " + call[0] + " after " + previous);
                assertEquals(announced, call[1], "total passed to the listener");
                previous = call[0];
            }
            assertEquals(records, previous, "records done at the last call");
        }
    }

    @Test
    void importIntoAStoreWithACommittedVersionIsRejected() {
        StoreOptions opts = options();
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            fill(source, modelFor(opts), 2);
            CommitInfo before = target.commit(changes("mine=1"), metadata(1));
            try (StoreExport export = source.export(2)) {
                assertThrows(StoreNotEmptyException.class, () -> target.importFrom(ImportSource.of(export), ProgressListener.NONE));
            }
            assertEquals(before, target.latest());
            assertEquals(List.of(new KeyValue(b("mine"), b("1"))), readLatest(target));
        }
    }

    @Test
    void importOfAnotherBackendsExportIsRejectedAndLeavesTheTargetEmpty() {
        assertIncompatible(export -> new ImportSource("no-such-backend", export.recordKind(), export.info(),
                export.recordCount(), export));
    }

    @Test
    void importOfAnotherRecordKindIsRejectedAndLeavesTheTargetEmpty() {
        String otherKind = StoreExport.KIND_KEY_VALUE.equals(expectedRecordKind())
                ? StoreExport.KIND_IAVL_NODE : StoreExport.KIND_KEY_VALUE;
        assertIncompatible(export -> new ImportSource(export.backend(), otherKind, export.info(),
                export.recordCount(), export));
    }

    @Test
    void importWithATamperedValueFailsTheCommitmentCheckAndLeavesTheTargetEmpty() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            CommitInfo exported = fill(source, model, 2);
            try (StoreExport export = source.export(2)) {
                CommitmentMismatchException e = assertThrows(CommitmentMismatchException.class,
                        () -> target.importFrom(tampered(export, ChangedValue::new), ProgressListener.NONE));
                assertEquals(exported.commitment(), e.expected());
                assertNotEquals(exported.commitment(), e.actual());
            }
            assertEmptyAndStillImportable(target, source, model.snapshot(2), exported);
        }
    }

    @Test
    void importWithADroppedRecordIsRejectedAndLeavesTheTargetEmpty() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            CommitInfo exported = fill(source, model, 2);
            try (StoreExport export = source.export(2)) {
                assertRejectedAsTampered(() -> target.importFrom(tampered(export, DroppedRecord::new), ProgressListener.NONE));
            }
            assertEmptyAndStillImportable(target, source, model.snapshot(2), exported);
        }
    }

    @Test
    void replaceSwapsTheLiveStateForTheImportedVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        CommitInfo exported;
        try (VersionedStore source = open("source", opts); VersionedStore live = open("live", opts)) {
            exported = fill(source, model, 5);
            live.commit(changes("old-1=1", "shared=old"), metadata(101));
            live.commit(changes("old-2=2"), metadata(102));
            try (StoreExport export = source.export(5)) {
                assertEquals(exported, live.replaceFrom(ImportSource.of(export), ProgressListener.NONE));
            }
            assertImported(model.snapshot(5), exported, live);
            assertTrue(live.get(b("old-1")).isEmpty(), "a key of the replaced state survived");
            assertNotRetained(live, 2);
            assertEquals(6, live.commit(changes("after=1"), metadata(6)).version());
        }
        try (VersionedStore live = open("live", opts)) {
            assertEquals(6, live.latestVersion(), "replaced store after reopen");
            assertTrue(live.get(b("old-2")).isEmpty());
            try (StoreView view = live.view(5)) {
                ModelAssertions.assertShows(model.snapshot(5), exported.commitment(), view, () -> "replaced version after reopen");
            }
        }
    }

    @Test
    void viewOpenedBeforeAReplaceKeepsShowingTheOldState() {
        StoreOptions opts = options();
        ReferenceModel liveModel = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore live = open("live", opts)) {
            fill(source, modelFor(opts), 5);
            commit(live, liveModel, changes("old-1=1", "old-2="), metadata(1));
            CommitInfo old = commit(live, liveModel, changes("-old-1", "old-3=3"), metadata(2));
            try (StoreView before = live.view(2)) {
                try (StoreExport export = source.export(5)) {
                    live.replaceFrom(ImportSource.of(export), ProgressListener.NONE);
                }
                ModelAssertions.assertShows(liveModel.snapshot(2), old.commitment(), before, () -> "view(2) opened before the replace");
            }
        }
    }

    @Test
    void replaceWithATamperedExportLeavesTheLiveStateUnchanged() {
        StoreOptions opts = options();
        ReferenceModel liveModel = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore live = open("live", opts)) {
            fill(source, modelFor(opts), 5);
            commit(live, liveModel, changes("old-1=1"), metadata(1));
            commit(live, liveModel, changes("old-2=2"), metadata(2));
            CommitInfo before = live.latest();
            try (StoreExport export = source.export(5)) {
                assertThrows(CommitmentMismatchException.class,
                        () -> live.replaceFrom(tampered(export, ChangedValue::new), ProgressListener.NONE));
            }
            try (StoreExport export = source.export(5)) {
                assertRejectedAsTampered(() -> live.replaceFrom(tampered(export, DroppedRecord::new), ProgressListener.NONE));
            }
            assertEquals(before, live.latest());
            assertMatchesModel(liveModel, live);
        }
        try (VersionedStore live = open("live", opts)) {
            assertMatchesModel(liveModel, live);
        }
    }

    @Test
    void replaceWithAnotherBackendsExportLeavesTheLiveStateUnchanged() {
        StoreOptions opts = options();
        ReferenceModel liveModel = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore live = open("live", opts)) {
            fill(source, modelFor(opts), 3);
            commit(live, liveModel, changes("old-1=1"), metadata(1));
            try (StoreExport export = source.export(3)) {
                assertThrows(IncompatibleExportException.class, () -> live.replaceFrom(new ImportSource("no-such-backend",
                        export.recordKind(), export.info(), export.recordCount(), export), ProgressListener.NONE));
            }
            assertMatchesModel(liveModel, live);
        }
    }

    @Test
    void logicalExportYieldsTheSortedKeyValuePairsOfTheVersion() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore store = open("s", opts)) {
            fill(store, model, 4);
            for (long v = 0; v <= 4; v++) {
                CommitInfo info;
                try (StoreView view = store.view(v)) {
                    info = view.info();
                }
                List<ExportRecord> expected = new ArrayList<>();
                for (KeyValue kv : model.snapshot(v).entries()) {
                    expected.add(ExportRecord.keyValue(kv.key(), kv.value()));
                }
                try (StoreExport export = store.exportLogical(v)) {
                    assertEquals(StoreExport.KIND_KEY_VALUE, export.recordKind());
                    assertEquals(store.backend(), export.backend());
                    assertEquals(info, export.info());
                    assertTrue(export.recordCount() == -1 || export.recordCount() == expected.size(),
                            "record count " + export.recordCount() + " for " + expected.size() + " pairs");
                    assertEquals(expected, drain(export), "logical export of version " + v);
                }
            }
        }
    }

    @Test
    void exportOfAVersionOutsideTheWindowIsRejected() {
        StoreOptions opts = options();
        try (VersionedStore store = open("s", opts)) {
            fill(store, modelFor(opts), 3);
            store.pruneBefore(2);
            for (long v : new long[] {0, 1, 4}) {
                assertThrows(VersionNotRetainedException.class, () -> {
                    try (StoreExport wrong = store.export(v)) {
                        assertEquals(v, wrong.info().version(), "export of an unretained version");
                    }
                });
                assertThrows(VersionNotRetainedException.class, () -> {
                    try (StoreExport wrong = store.exportLogical(v)) {
                        assertEquals(v, wrong.info().version(), "logical export of an unretained version");
                    }
                });
            }
        }
    }

    @Test
    void exportKeepsItsVersionWhileTheStoreMovesOn() {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            CommitInfo exported = fill(source, model, 2);
            ReferenceModel.Snapshot second = model.snapshot(2);
            try (StoreExport export = source.export(2); StoreExport logical = source.exportLogical(2)) {
                source.commit(changes("-k00", "later=1"), metadata(3));
                source.commit(changes("k01=changed"), metadata(4));
                source.pruneBefore(4);
                List<ExportRecord> expected = new ArrayList<>();
                for (KeyValue kv : second.entries()) {
                    expected.add(ExportRecord.keyValue(kv.key(), kv.value()));
                }
                assertEquals(expected, drain(logical), "logical export opened before later commits and a prune");
                assertEquals(exported, target.importFrom(ImportSource.of(export), ProgressListener.NONE));
            }
            assertImported(second, exported, target);
        }
    }

    /** Commits {@code versions} versions with {@value #SOURCE_KEYS} keys changing between them. */
    private static CommitInfo fill(VersionedStore store, ReferenceModel model, int versions) {
        CommitInfo last = null;
        for (int v = 1; v <= versions; v++) {
            ChangeSet.Builder cs = ChangeSet.builder();
            for (int k = 0; k < SOURCE_KEYS; k++) {
                if ((k + v) % 7 == 0) {
                    cs.delete(b(String.format("k%02d", k)));
                } else if ((k * v) % 3 == 0) {
                    cs.put(b(String.format("k%02d", k)), b(k % 5 == 0 ? "" : "v" + v + "-" + k));
                }
            }
            last = commit(store, model, cs.build(), metadata(v));
        }
        return last;
    }

    private static void assertImported(ReferenceModel.Snapshot expected, CommitInfo exported, VersionedStore target) {
        assertEquals(exported, target.latest());
        assertEquals(exported.version(), target.oldestRetainedVersion(), "the imported version is the only retained one");
        try (StoreView view = target.view(exported.version())) {
            ModelAssertions.assertShows(expected, exported.commitment(), view, () -> "imported version");
        }
        if (exported.version() > 0) {
            assertNotRetained(target, 0);
        }
    }

    private void assertIncompatible(Function<StoreExport, ImportSource> relabel) {
        StoreOptions opts = options();
        ReferenceModel model = modelFor(opts);
        try (VersionedStore source = open("source", opts); VersionedStore target = open("target", opts)) {
            CommitInfo exported = fill(source, model, 2);
            try (StoreExport export = source.export(2)) {
                assertThrows(IncompatibleExportException.class, () -> target.importFrom(relabel.apply(export), ProgressListener.NONE));
            }
            assertEmptyAndStillImportable(target, source, model.snapshot(2), exported);
        }
    }

    private void assertRejectedAsTampered(Executable importCall) {
        KeelException e = assertThrows(KeelException.class, importCall);
        if (StoreExport.KIND_KEY_VALUE.equals(expectedRecordKind())) {
            assertInstanceOf(CommitmentMismatchException.class, e, "a missing key-value record must fail the commitment check");
        } else {
            assertTrue(e instanceof CommitmentMismatchException || e instanceof IncompatibleExportException,
                    "a missing record must be a commitment mismatch or a malformed export, got " + e);
        }
    }

    /** The target is empty after a failed import, and a correct import then succeeds. */
    private static void assertEmptyAndStillImportable(VersionedStore target, VersionedStore source,
                                                      ReferenceModel.Snapshot expected, CommitInfo exported) {
        assertEquals(0, target.latestVersion(), "a failed import left a version behind");
        assertTrue(target.isEmpty());
        assertEquals(List.of(), readLatest(target), "a failed import left keys behind");
        for (KeyValue kv : expected.entries()) {
            assertTrue(target.get(kv.key()).isEmpty(), "a failed import left a key behind");
        }
        try (StoreExport export = source.export(exported.version())) {
            assertEquals(exported, target.importFrom(ImportSource.of(export), ProgressListener.NONE));
        }
        assertImported(expected, exported, target);
    }

    private static List<KeyValue> readLatest(VersionedStore store) {
        try (StoreView view = store.latestView()) {
            return readAll(view);
        }
    }

    private static long countRecords(VersionedStore store, long version) {
        try (StoreExport export = store.export(version)) {
            return drain(export).size();
        }
    }

    private static List<ExportRecord> drain(StoreExport export) {
        List<ExportRecord> out = new ArrayList<>();
        while (export.hasNext()) {
            out.add(export.next());
        }
        return out;
    }

    private static ImportSource tampered(StoreExport export, Function<StoreExport, Iterator<ExportRecord>> wrapper) {
        return new ImportSource(export.backend(), export.recordKind(), export.info(), export.recordCount(),
                wrapper.apply(export));
    }

    /** Passes the records through, with one byte appended to the value of the third record that has one. */
    private static final class ChangedValue implements Iterator<ExportRecord> {
        private final Iterator<ExportRecord> records;
        private int withValue;

        ChangedValue(Iterator<ExportRecord> records) {
            this.records = records;
        }

        @Override
        public boolean hasNext() {
            return records.hasNext();
        }

        @Override
        public ExportRecord next() {
            ExportRecord r = records.next();
            if (r.value() == null || withValue++ != 2) {
                return r;
            }
            byte[] value = r.value();
            byte[] changed = java.util.Arrays.copyOf(value, value.length + 1);
            changed[value.length] = 0x5a;
            return new ExportRecord(r.key(), changed, r.version(), r.height());
        }
    }

    /** Passes the records through except the third one that has a value. */
    private static final class DroppedRecord implements Iterator<ExportRecord> {
        private final Iterator<ExportRecord> records;
        private ExportRecord pending;
        private int withValue;

        DroppedRecord(Iterator<ExportRecord> records) {
            this.records = records;
        }

        @Override
        public boolean hasNext() {
            if (pending == null && records.hasNext()) {
                pending = records.next();
                if (pending.value() != null && withValue++ == 2) {
                    pending = records.hasNext() ? records.next() : null;
                }
            }
            return pending != null;
        }

        @Override
        public ExportRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ExportRecord r = pending;
            pending = null;
            return r;
        }
    }
}
