package dev.keel.storage.tree;

import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.testkit.AbstractStoreConformance;
import java.nio.file.Path;

/** The shared conformance suite, run unchanged against the tree backend. */
class TreeConformanceTest extends AbstractStoreConformance {
    @Override
    protected VersionedStore createStore(Path dir, StoreOptions options) {
        return Stores.open("tree", dir, options);
    }

    @Override
    protected String expectedRecordKind() {
        return StoreExport.KIND_IAVL_NODE;
    }
}
