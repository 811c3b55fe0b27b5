package dev.keel.storage.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionedStore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Conformance of the lifecycle: {@code close()} is idempotent; after it every method of the store,
 * and every method of a view, iterator or export still open on it, throws
 * {@link IllegalStateException} (never a JVM crash from a released native handle); a view,
 * iterator or export closed on its own refuses further use while the store goes on.
 *
 * <p>Run by {@link AbstractStoreConformance}; a backend may also extend it alone.
 */
public abstract class AbstractCloseConformance extends StoreConformanceSupport {

    /** Subclassed by a backend's test or by {@link AbstractStoreConformance}. */
    protected AbstractCloseConformance() {
    }

    @Test
    void everyStoreMethodThrowsIllegalStateAfterClose() {
        CommitInfo committed;
        try (VersionedStore store = open("s")) {
            committed = store.commit(changes("a=1"), metadata(1));
            ImportSource source = new ImportSource(store.backend(), expectedRecordKind(), committed, 0,
                    Collections.emptyIterator());
            closeEarly(store);
            Map<String, Executable> calls = new java.util.LinkedHashMap<>();
            calls.put("backend", store::backend);
            calls.put("commitmentScheme", store::commitmentScheme);
            calls.put("initialVersion", store::initialVersion);
            calls.put("latestVersion", store::latestVersion);
            calls.put("oldestRetainedVersion", store::oldestRetainedVersion);
            calls.put("isEmpty", store::isEmpty);
            calls.put("latest", store::latest);
            calls.put("commitment", store::commitment);
            calls.put("get", () -> store.get(b("a")));
            calls.put("view", () -> closeIfReturned(store.view(1)));
            calls.put("latestView", () -> closeIfReturned(store.latestView()));
            calls.put("commit", () -> store.commit(changes("b=2"), metadata(2)));
            calls.put("commit(empty)", () -> store.commit(ChangeSet.empty(), metadata(2)));
            calls.put("rollbackTo", () -> store.rollbackTo(1));
            calls.put("pruneBefore", () -> store.pruneBefore(1));
            calls.put("export", () -> closeIfReturned(store.export(1)));
            calls.put("exportLogical", () -> closeIfReturned(store.exportLogical(1)));
            calls.put("importFrom", () -> store.importFrom(source, ProgressListener.NONE));
            calls.put("replaceFrom", () -> store.replaceFrom(source, ProgressListener.NONE));
            assertAllThrowIllegalState(calls);
        }
        try (VersionedStore store = open("s")) {
            assertEquals(committed, store.latest(), "calls on the closed store changed what was stored");
        }
    }

    @Test
    void closeIsIdempotent() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1"), metadata(1));
            closeEarly(store);
            closeEarly(store);
        }
        try (VersionedStore store = open("s")) {
            assertEquals(1, store.latestVersion());
        }
    }

    @Test
    void viewLeftOpenWhenTheStoreClosesThrowsIllegalState() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1"), metadata(1));
            try (StoreView view = store.view(1)) {
                closeEarly(store);
                assertAllThrowIllegalState(viewCalls(view));
            }
        }
    }

    @Test
    void iteratorLeftOpenWhenTheStoreClosesThrowsIllegalState() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1", "b=2", "c=3"), metadata(1));
            try (StoreView view = store.view(1); KeyValueIterator it = view.scan()) {
                assertArrayEquals(b("a"), it.next().key());
                closeEarly(store);
                assertAllThrowIllegalState(Map.of("hasNext", it::hasNext, "next", it::next));
            }
        }
    }

    @Test
    void exportLeftOpenWhenTheStoreClosesThrowsIllegalState() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1", "b=2", "c=3"), metadata(1));
            try (StoreExport export = store.export(1); StoreExport logical = store.exportLogical(1)) {
                assertTrue(export.hasNext());
                export.next();
                closeEarly(store);
                assertAllThrowIllegalState(Map.of("export.hasNext", export::hasNext, "export.next", export::next,
                        "exportLogical.hasNext", logical::hasNext, "exportLogical.next", logical::next));
            }
        }
    }

    @Test
    void closedViewIteratorAndExportThrowIllegalStateWhileTheStoreGoesOn() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1", "b=2"), metadata(1));
            try (StoreView view = store.view(1)) {
                try (KeyValueIterator it = view.scan()) {
                    closeEarly(it);
                    assertAllThrowIllegalState(Map.of("hasNext", it::hasNext, "next", it::next));
                }
                closeEarly(view);
                assertAllThrowIllegalState(viewCalls(view));
            }
            try (StoreExport export = store.export(1)) {
                closeEarly(export);
                assertAllThrowIllegalState(Map.of("hasNext", export::hasNext, "next", export::next));
            }
            assertEquals(2, store.commit(changes("c=3"), metadata(2)).version());
            assertArrayEquals(b("3"), store.get(b("c")).orElseThrow());
            try (StoreView view = store.view(1)) {
                assertArrayEquals(b("1"), view.get(b("a")).orElseThrow(), "a fresh view after others were closed");
            }
        }
    }

    @Test
    void iteratorOfAClosedViewThrowsIllegalState() {
        try (VersionedStore store = open("s")) {
            store.commit(changes("a=1", "b=2"), metadata(1));
            try (StoreView view = store.view(1); KeyValueIterator it = view.scan()) {
                closeEarly(view);
                assertAllThrowIllegalState(Map.of("hasNext", it::hasNext, "next", it::next));
            }
        }
    }

    private static Map<String, Executable> viewCalls(StoreView view) {
        Map<String, Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("version", view::version);
        calls.put("commitment", view::commitment);
        calls.put("metadata", view::metadata);
        calls.put("info", view::info);
        calls.put("get", () -> view.get(b("a")));
        calls.put("scan", () -> closeIfReturned(view.scan()));
        calls.put("scan(range)", () -> closeIfReturned(view.scan(b("a"), b("z"))));
        return calls;
    }

    private static void assertAllThrowIllegalState(Map<String, Executable> calls) {
        List<Executable> checks = calls.entrySet().stream()
                .<Executable>map(e -> () -> assertThrows(IllegalStateException.class, e.getValue(), e.getKey()))
                .toList();
        assertAll(checks);
    }

    /**
     * Closes a resource that stays in its try-with-resources, so that the implicit second close
     * is exercised too. (Calling {@code close()} directly there is what javac's {@code try} lint
     * warns about.)
     */
    private static void closeEarly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("close() threw a checked exception", e);
        }
    }

    /** A call that wrongly succeeds must not leak what it returned. */
    private static void closeIfReturned(AutoCloseable resource) throws Exception {
        resource.close();
    }
}
