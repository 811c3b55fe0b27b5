package dev.keel.storage.tree;

import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreProvider;
import dev.keel.storage.api.VersionedStore;
import java.nio.file.Path;

/**
 * The {@code tree} backend's service provider: an in-memory persistent IAVL tree whose root hash
 * (commitment scheme {@code iavl-sha256}) is bit-identical to cosmos/iavl v1's for the same
 * sequence of set, remove and save-version, kept durable by tree snapshots plus a changelog.
 *
 * <p>The store holds every retained version in memory, sharing unchanged subtrees between
 * versions. Its {@link dev.keel.storage.api.VersionedStore#export export} yields IAVL nodes in
 * post-order ({@code iavl-node} records, as cosmos/iavl's exporter); {@code exportLogical} yields
 * key-value records, which the tree backend does not import.
 *
 * <p>Backend properties ({@link StoreOptions#backendProperties()}): {@code tree.snapshot-interval},
 * the number of changelog records (commits, rollbacks, prunes) after which a tree snapshot is
 * written and the changelog restarts (default 1000); it bounds the replay work of a restart.
 * {@link StoreOptions#hashThreads()} is how many threads, the committing one included, hash the new
 * nodes of a commit of at least 256 changes; a smaller commit hashes them on the committing thread.
 * Either way a commit hashes only the paths it changed.
 *
 * <p>Stateless and thread-safe. {@link #open} throws what {@link StoreProvider#open} documents.
 */
public final class TreeProvider implements StoreProvider {
    /** Backend name, as given to {@code Stores.open}. */
    public static final String NAME = StoreDirectory.BACKEND;

    /** Used by {@link java.util.ServiceLoader}. */
    public TreeProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VersionedStore open(Path directory, StoreOptions options) {
        return TreeStore.open(directory, options);
    }
}
