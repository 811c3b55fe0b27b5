package dev.keel.benchmarks;

import dev.keel.snapshot.format.SnapshotWriteOptions;
import dev.keel.snapshot.format.SnapshotWriter;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The data of the snapshot benchmarks (SPEC section 7): 32-byte keys and 1 KiB values, as many as
 * fill a snapshot file of the requested size. Keys are regenerated from their number
 * ({@link CommitThroughputBenchmark#key}); values cycle through a fixed pool, so the data set
 * costs no memory beyond its keys at any size (hashing and I/O do not depend on value contents,
 * and no layer compresses a snapshot body).
 */
final class SnapshotDataset {
    static final int KEY_BYTES = CommitThroughputBenchmark.KEY_BYTES;
    static final int VALUE_BYTES = 1024;
    /** A record in the snapshot body: key length, key, value length, value, version, height. */
    static final int RECORD_BYTES = 4 + KEY_BYTES + 4 + VALUE_BYTES + 8 + 4;
    /** Records committed per version while building the store. */
    static final int BLOCK = 8_192;
    /** The snapshot's term; its index is the number of the last block. */
    static final long TERM = 3;
    private static final int POOL = 1024;
    private static final byte[][] VALUES = new byte[POOL][];

    static {
        SplittableRandom random = new SplittableRandom(1076);
        for (int i = 0; i < POOL; i++) {
            VALUES[i] = new byte[VALUE_BYTES];
            random.nextBytes(VALUES[i]);
        }
    }

    private SnapshotDataset() {
    }

    /**
     * @param mebibytes the snapshot's size in MiB
     * @return records that fill it
     */
    static int records(int mebibytes) {
        return (int) (((long) mebibytes << 20) / RECORD_BYTES);
    }

    static byte[] key(int i) {
        return CommitThroughputBenchmark.key(i);
    }

    static byte[] value(int i) {
        return VALUES[i % POOL];
    }

    /**
     * Opens a flatkv store in {@code dir} and commits {@code records} records in blocks, each
     * version at consensus position (block number, {@link #TERM}), then drops the build's history.
     *
     * @return the open store; its latest version is the one to snapshot
     */
    static VersionedStore buildStore(Path dir, int records) {
        VersionedStore store = Stores.open("flatkv", dir, StoreOptions.defaults());
        long index = 0;
        for (int start = 0; start < records; start += BLOCK) {
            ChangeSet.Builder b = ChangeSet.builder();
            for (int i = start; i < Math.min(records, start + BLOCK); i++) {
                b.put(key(i), value(i));
            }
            store.commit(b.build(), CommitMetadata.atPosition(++index, TERM));
        }
        // The build's versions are not what a node restarting from a snapshot holds.
        store.pruneBefore(store.latestVersion());
        return store;
    }

    /** Writes the store's latest version to {@code file} (unencrypted, default 1 MiB chunks). */
    static SnapshotToken writeSnapshot(VersionedStore store, Path file) {
        try (StoreExport export = store.export(store.latestVersion())) {
            return SnapshotWriter.write(export, file, SnapshotWriteOptions.DEFAULTS);
        }
    }
}
