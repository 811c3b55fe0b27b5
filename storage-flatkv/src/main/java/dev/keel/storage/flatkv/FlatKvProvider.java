package dev.keel.storage.flatkv;

import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreProvider;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;

/**
 * The {@code flatkv} backend's service provider: a flat key-value layout on RocksDB with an
 * LtHash16 (BLAKE3) commitment. Stateless and thread-safe.
 *
 * <p>Backend properties ({@link dev.keel.storage.api.StoreOptions#backendProperties()}):
 * {@code flatkv.block-cache-mib}, the RocksDB block cache for current and historical values
 * (default 256).
 */
public final class FlatKvProvider implements StoreProvider {
    /** Backend name, as given to {@code Stores.open}. */
    public static final String NAME = StoreDirectory.BACKEND;

    /** Used by {@link java.util.ServiceLoader}. */
    public FlatKvProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VersionedStore open(Path directory, StoreOptions options) {
        return FlatKvStore.open(directory, options);
    }
}
