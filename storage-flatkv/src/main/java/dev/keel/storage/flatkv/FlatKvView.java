package dev.keel.storage.flatkv;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.PairVisitor;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.KeyValue;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
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
 * directly; an older one overlays the values its keys had before the versions after it, decoded
 * once from their histories when the view is first read (memory proportional to the changes
 * since the view's version, at most the retained window's).
 *
 * <p>Thread-safe for reads; its iterators are single-threaded. Closing the view (or the store)
 * closes its iterators.
 */
final class FlatKvView implements StoreView {
    /** Readahead of a whole-store scan over the table files. */
    private static final long BULK_READAHEAD_BYTES = 2L << 20;

    private final FlatKvStore store;
    private final Generation gen;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final CommitInfo info;
    private final long keyCount;
    private final boolean latest;
    private final Set<FlatKvIterator> iterators = ConcurrentHashMap.newKeySet();
    /** For an older version: key → its value at this version ({@code null} value = absent). */
    private NavigableMap<byte[], History.Prior> overlay;
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
                    History.Prior prior = overlay().get(key);
                    if (prior != null) {
                        return Optional.ofNullable(prior.before() == null ? null : prior.before().clone());
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
        return register(read(() -> new FlatKvIterator(this, gen, readOptions, false, info.version(),
                latest ? null : overlay(),
                fromInclusive == null ? null : fromInclusive.clone(), toExclusive == null ? null : toExclusive.clone())));
    }

    /**
     * A scan of every key that reads the way a whole-store pass should: with a large readahead
     * over the table files. Used by export. (It still fills the block cache: an export soon after
     * another, or after a restore, reads from memory.)
     *
     * @return an iterator over every pair of this version, in key order
     */
    KeyValueIterator bulkScan() {
        return register(read(() -> {
            ReadOptions bulk = bulkReadOptions();
            try {
                return new FlatKvIterator(this, gen, bulk, true, info.version(), latest ? null : overlay(), null, null);
            } catch (RuntimeException e) {
                bulk.close();
                throw e;
            }
        }));
    }

    private ReadOptions bulkReadOptions() {
        return new ReadOptions().setSnapshot(snapshot).setReadaheadSize(BULK_READAHEAD_BYTES);
    }

    private FlatKvIterator register(FlatKvIterator it) {
        iterators.add(it);
        if (closed.get()) {
            it.close();
            throw new IllegalStateException("view is closed");
        }
        return it;
    }

    /**
     * The latest version reads the state column family straight through one RocksDB iterator,
     * handing the visitor the arrays JNI returns (no further copies); an older version goes
     * through the overlaying scan.
     */
    @Override
    public void forEachPair(PairVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        if (!latest) {
            StoreView.super.forEachPair(visitor);
            return;
        }
        read(() -> {
            try (ReadOptions bulk = bulkReadOptions(); RocksIterator it = gen.db.newIterator(gen.state, bulk)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    visitor.visit(it.key(), it.value());
                }
                it.status();
            } catch (RocksDBException e) {
                throw new StorageException("cannot scan version " + info.version() + " in " + gen.directory, e);
            }
            return null;
        });
    }

    /**
     * The values this (older) version's keys had, for every key changed after it: decoded from the
     * histories of versions after this one in ascending order, so the first change after the
     * version wins. Built once, under the native read guard of the caller.
     */
    private synchronized NavigableMap<byte[], History.Prior> overlay() {
        if (overlay == null) {
            NavigableMap<byte[], History.Prior> map = new TreeMap<>(KeyValue.KEY_ORDER);
            try (RocksIterator it = gen.db.newIterator(gen.history, readOptions)) {
                for (it.seek(Keys.u64(info.version() + 1)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    for (History.Prior p : FlatKvStore.historyChunk(gen, k, it.value())) {
                        map.putIfAbsent(p.key(), p);
                    }
                }
                it.status();
            } catch (RocksDBException e) {
                throw new StorageException("cannot read the history after version " + info.version() + " in " + gen.directory, e);
            }
            overlay = map;
        }
        return overlay;
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
