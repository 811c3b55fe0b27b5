package dev.keel.storage.testkit;

import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;

/**
 * Runs the whole conformance suite against {@link ModelStore}: the suite must pass on the
 * reference model itself, or it pins something the contract does not promise.
 */
class ModelStoreConformanceTest extends AbstractStoreConformance {
    @Override
    protected VersionedStore createStore(Path dir, StoreOptions options) {
        return ModelStore.open(dir, options);
    }

    @Override
    protected String expectedRecordKind() {
        return StoreExport.KIND_KEY_VALUE;
    }
}
