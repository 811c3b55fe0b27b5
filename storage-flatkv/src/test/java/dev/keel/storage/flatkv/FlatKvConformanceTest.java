package dev.keel.storage.flatkv;

import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.testkit.AbstractStoreConformance;
import java.nio.file.Path;

/** The shared conformance suite, run unchanged against flatkv. */
class FlatKvConformanceTest extends AbstractStoreConformance {
    @Override
    protected VersionedStore createStore(Path dir, StoreOptions options) {
        return Stores.open("flatkv", dir, options);
    }

    @Override
    protected String expectedRecordKind() {
        return StoreExport.KIND_KEY_VALUE;
    }
}
