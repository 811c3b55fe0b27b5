package dev.keel.storage.testkit;

import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The whole store conformance suite, for a backend to run by extending this class once:
 *
 * <pre>{@code
 * class FlatKvConformanceTest extends AbstractStoreConformance {
 *     @Override
 *     protected VersionedStore createStore(Path dir, StoreOptions options) {
 *         return Stores.open("flatkv", dir, options);
 *     }
 *
 *     @Override
 *     protected String expectedRecordKind() {
 *         return StoreExport.KIND_KEY_VALUE;
 *     }
 * }
 * }</pre>
 *
 * <p>Each topic class runs as an inherited {@link Nested} class: {@link CommitConformance},
 * {@link HistoryConformance}, {@link ExportImportConformance}, {@link CloseConformance},
 * {@link ConcurrencyConformance} and {@link PropertyConformance}. A backend may instead (or also)
 * extend a topic class directly.
 *
 * <p>{@code createStore} must create the store when {@code dir} is empty or absent and reopen it
 * otherwise: the suite closes and reopens the same directory to test durability, opens a second
 * directory as an import target, and reopens with another initial version to test that it is
 * refused. Every store it opens it closes; each test's directories are deleted by JUnit.
 *
 * <p>The fuzz test's regression corpus must be committed under
 * {@code src/test/resources/dev/keel/storage/testkit/PropertyConformanceInputs/storeMatchesModelOnFuzzedHistory/}
 * (see {@link AbstractPropertyConformance} for why the path does not depend on the backend's
 * class). Not thread-safe; JUnit runs the tests of one instance one at a time.
 */
public abstract class AbstractStoreConformance {

    /** Subclassed by a backend's conformance test. */
    protected AbstractStoreConformance() {
    }

    /**
     * Opens the store in {@code dir}: creates it when the directory is empty or absent, reopens it
     * otherwise.
     *
     * @param dir the store's directory
     * @param options the options to open it with
     * @return the open store
     */
    protected abstract VersionedStore createStore(Path dir, StoreOptions options);

    /**
     * @return the record kind this backend's {@link VersionedStore#export} produces
     *     ({@link dev.keel.storage.api.StoreExport#KIND_KEY_VALUE} or
     *     {@link dev.keel.storage.api.StoreExport#KIND_IAVL_NODE})
     */
    protected abstract String expectedRecordKind();

    /**
     * Local settings the backend wants for every store of the suite (hash threads, backend
     * properties); the suite sets initial version, window and sync where a test depends on them.
     *
     * @return the base options
     */
    protected StoreOptions baseOptions() {
        return StoreOptions.defaults();
    }

    /** Commits, version numbering, commitment rules, size limits. */
    @Nested
    public class CommitConformance extends AbstractCommitConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }

    /** Retained window, historical views and scans, rollback, prune, reopen. */
    @Nested
    public class HistoryConformance extends AbstractHistoryConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }

    /** Export, import, replace, logical export. */
    @Nested
    public class ExportImportConformance extends AbstractExportImportConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }

    /** Idempotent close and use after close. */
    @Nested
    public class CloseConformance extends AbstractCloseConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }

    /** Readers and writers at the same time. */
    @Nested
    public class ConcurrencyConformance extends AbstractConcurrencyConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }

    /**
     * Store against model on fuzzed and seeded histories. Its simple name fixes the fuzz corpus
     * directory ({@code PropertyConformanceInputs}): do not rename it without moving the corpora.
     */
    @Nested
    public class PropertyConformance extends AbstractPropertyConformance {
        @Override
        protected VersionedStore createStore(Path dir, StoreOptions options) {
            return AbstractStoreConformance.this.createStore(dir, options);
        }

        @Override
        protected String expectedRecordKind() {
            return AbstractStoreConformance.this.expectedRecordKind();
        }

        @Override
        protected StoreOptions baseOptions() {
            return AbstractStoreConformance.this.baseOptions();
        }
    }
}
