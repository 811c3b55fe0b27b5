package dev.keel.storage.flatkv;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A view of one version, pinned by a RocksDB snapshot: later commits, rollbacks, prunes and
 * imports do not change what it reads. The latest version at the snapshot reads {@code state}
 * directly; an older one overlays the {@code hist} entries recorded after it.
 *
 * <p>Thread-safe for reads; its iterators are single-threaded. Closing the view (or the store)
 * closes its iterators.
 */
final class FlatKvView implements StoreView {
    private final FlatKvStore store;
    private final Generation gen;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final CommitInfo info;
    private final long keyCount;
    private final boolean latest;
    private final Set<FlatKvIterator> iterators = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FlatKvView(FlatKvStore store, Generation gen, Snapshot snapshot, ReadOptions readOptions,
                       CommitInfo info, long keyCount, boolean latest) {
        this.store = store;
        this.gen = gen;
        this.snapshot = snapshot;
        this.readOptions = readOptions;
        this.info = info;
        this.keyCount = keyCount;
        this.latest = latest;
    }

    /** Opens a view on {@code gen}, whose holder count the caller already raised for it. */
    static FlatKvView open(FlatKvStore store, Generation gen, long version, long initialVersion) {
        return gen.read(() -> {
            Snapshot snapshot = gen.db.getSnapshot();
            ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
            try {
                // Version bounds come from the snapshot itself, so they agree with the data it pins.
                long latestVersion = Keys.getU64(gen.db.get(gen.meta, ro, "latest-version".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
                long oldest = Keys.getU64(gen.db.get(gen.meta, ro, "oldest-version".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
                if (!FlatKvStore.isRetained(version, oldest, latestVersion, initialVersion)) {
                    throw new VersionNotRetainedException(version, oldest, latestVersion);
                }
                byte[] bytes = gen.db.get(gen.versions, ro, Keys.u64(version));
                if (bytes == null) {
                    throw new dev.keel.storage.api.CorruptionException(gen.directory, "missing record of retained version " + version);
                }
                VersionRecord record = FlatKvStore.decodeRecord(gen, bytes, version);
                CommitInfo info = new CommitInfo(version, LtHashLanes.commitment(record.lanes()), record.metadata());
                return new FlatKvView(store, gen, snapshot, ro, info, record.keyCount(), version == latestVersion);
            } catch (RocksDBException | RuntimeException e) {
                ro.close();
                gen.db.releaseSnapshot(snapshot);
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new StorageException("cannot open a view of version " + version + " in " + gen.directory, e);
            }
        });
    }

    @Override
    public long version() {
        ensureOpen();
        return info.version();
    }

    @Override
    public Commitment commitment() {
        ensureOpen();
        return info.commitment();
    }

    @Override
    public CommitMetadata metadata() {
        ensureOpen();
        return info.metadata();
    }

    @Override
    public CommitInfo info() {
        ensureOpen();
        return info;
    }

    /** @return the number of keys at this version */
    long keyCount() {
        ensureOpen();
        return keyCount;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Limits.checkKey(key);
        return read(() -> {
            try {
                if (!latest) {
                    try (RocksIterator it = gen.db.newIterator(gen.history, readOptions)) {
                        byte[] seek = Keys.history(key, info.version() + 1);
                        it.seek(seek);
                        if (it.isValid()) {
                            byte[] found = it.key();
                            if (found.length == seek.length
                                    && Arrays.equals(found, 0, found.length - 8, seek, 0, seek.length - 8)) {
                                return Optional.ofNullable(FlatKvStore.decodePrior(gen, it.value(), Keys.historyVersion(found)));
                            }
                        }
                        it.status();
                    }
                }
                return Optional.ofNullable(gen.db.get(gen.state, readOptions, key));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read version " + info.version() + " in " + gen.directory, e);
            }
        });
    }

    @Override
    public KeyValueIterator scan(byte[] fromInclusive, byte[] toExclusive) {
        if (fromInclusive != null) {
            Limits.checkKey(fromInclusive);
        }
        if (toExclusive != null) {
            Limits.checkKey(toExclusive);
        }
        FlatKvIterator it = read(() -> new FlatKvIterator(this, gen, readOptions, info.version(), latest,
                fromInclusive == null ? null : fromInclusive.clone(), toExclusive == null ? null : toExclusive.clone()));
        iterators.add(it);
        if (closed.get()) {
            it.close();
            throw new IllegalStateException("view is closed");
        }
        return it;
    }

    void forget(FlatKvIterator it) {
        iterators.remove(it);
    }

    /** Runs a native read while this view and its generation are open. */
    <T> T read(Supplier<T> action) {
        return gen.read(() -> {
            ensureOpen();
            return action.get();
        });
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("view of version " + info.version() + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (FlatKvIterator it : List.copyOf(iterators)) {
                it.close();
            }
            gen.exclusive(() -> {
                readOptions.close();
                gen.db.releaseSnapshot(snapshot);
            });
        } finally {
            store.forget(this);
            gen.release();
        }
    }
}
