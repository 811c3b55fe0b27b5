package dev.keel.storage.flatkv;

import dev.keel.storage.api.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ColumnFamilyOptionsInterface;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.MutableColumnFamilyOptionsInterface;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksObject;

/**
 * One open RocksDB data directory and its handles, shared by the store and every view, iterator
 * and export opened on it.
 *
 * <p>Native handles must never be touched after they are closed (that crashes the JVM), so every
 * use goes through {@link #read}: it holds a read lock and checks that the generation is open;
 * {@link #release} closes the handles under the write lock once the last holder lets go. A
 * replaced generation (after an import) stays open for the views still on it, and its directory
 * is deleted when the last one closes. Thread-safe.
 */
final class Generation {
    static final String CF_STATE = "state";
    static final String CF_HISTORY = "history";
    static final String CF_VERSIONS = "versions";

    static {
        RocksDB.loadLibrary();
    }

    final Path directory;
    final RocksDB db;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle state;
    final ColumnFamilyHandle history;
    final ColumnFamilyHandle versions;

    private final DBOptions dbOptions;
    private final List<AutoCloseable> nativeOptions;
    private final List<ColumnFamilyHandle> handles;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private int holders = 1;
    private boolean closed;
    private volatile boolean retired;

    private Generation(Path directory, RocksDB db, DBOptions dbOptions, List<AutoCloseable> nativeOptions,
                       List<ColumnFamilyHandle> handles) {
        this.directory = directory;
        this.db = db;
        this.dbOptions = dbOptions;
        this.nativeOptions = nativeOptions;
        this.handles = handles;
        this.meta = handles.get(0);
        this.state = handles.get(1);
        this.history = handles.get(2);
        this.versions = handles.get(3);
    }

    /**
     * Opens (creating if missing) the RocksDB database in {@code directory}; one holder: the caller.
     *
     * @param blockCacheBytes the block cache shared by {@code state} and {@code hist}
     */
    static Generation open(Path directory, long blockCacheBytes) {
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setKeepLogFileNum(4)
                // The WAL write of one batch and the memtable insert of the previous one overlap.
                .setEnablePipelinedWrite(true)
                // Bounds what a reopen after a crash replays: column families holding the oldest
                // log data are flushed once the logs pass this size.
                .setMaxTotalWalSize(256L << 20);
        List<AutoCloseable> nativeOptions = new ArrayList<>();
        LRUCache cache = new LRUCache(blockCacheBytes);
        nativeOptions.add(cache);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : List.of(new String(RocksDB.DEFAULT_COLUMN_FAMILY, java.nio.charset.StandardCharsets.UTF_8),
                CF_STATE, CF_HISTORY, CF_VERSIONS)) {
            ColumnFamilyOptions options = new ColumnFamilyOptions();
            nativeOptions.add(options);
            if (name.equals(CF_STATE)) {
                nativeOptions.addAll(configureStateTables(options, cache));
                // A memtable bloom filter: point lookups, which a commit does for every key it
                // changes, skip the memtable when it cannot hold the key.
                options.setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(0.02);
                options.setWriteBufferSize(64L << 20);
            }
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(java.nio.charset.StandardCharsets.UTF_8), options));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new Generation(directory, db, dbOptions, nativeOptions, handles);
        } catch (RocksDBException e) {
            closeAll(nativeOptions);
            dbOptions.close();
            throw new StorageException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets how the {@code state} column family's SST files are built: the one place that decides
     * it, for the live column family and for the files an import writes and ingests (which keep
     * the format they were written with).
     *
     * @param options the column family's options, or an {@code SstFileWriter}'s
     * @param cache the block cache, or {@code null} for options that only write files
     * @return the native objects created here, to be closed after {@code options}
     */
    static <T extends ColumnFamilyOptionsInterface<T> & MutableColumnFamilyOptionsInterface<T>> List<RocksObject>
            configureStateTables(T options, Cache cache) {
        // Point reads dominate: bloom filters keep a miss from touching data blocks.
        BloomFilter filter = new BloomFilter(10, false);
        // A hash index inside each data block (beside the binary search that scans use): RocksDB's
        // own recipe for point lookups.
        BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter)
                .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                .setDataBlockHashTableUtilRatio(0.75);
        if (cache != null) {
            table.setBlockCache(cache);
        }
        options.setTableFormatConfig(table);
        // LZ4 decompresses several times faster than the default Snappy on point reads.
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
        return List.of(filter);
    }

    /**
     * Runs {@code action} while the native handles are guaranteed open.
     *
     * @throws IllegalStateException if the generation was closed
     */
    <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs {@code action} with no native read in flight on this generation: for freeing a view's
     * or iterator's handles while another thread might still be reading through them.
     */
    void exclusive(Runnable action) {
        lock.writeLock().lock();
        try {
            if (!closed) {
                action.run();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds a holder (a view, iterator or export), keeping the handles open until it releases. */
    void acquire() {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            holders++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Marks the generation replaced: its directory is deleted when the last holder releases. */
    void retire() {
        retired = true;
    }

    /** Drops one holder; the last one closes every handle (and deletes a retired directory). */
    void release() {
        boolean delete;
        lock.writeLock().lock();
        try {
            if (closed || --holders > 0) {
                return;
            }
            closed = true;
            closeHandles();
            delete = retired;
        } finally {
            lock.writeLock().unlock();
        }
        if (delete) {
            StoreDirectory.deleteTree(directory);
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void closeHandles() {
        RuntimeException failure = null;
        try {
            // A retired generation is deleted next: nothing in it needs to be durable.
            if (!retired) {
                db.syncWal();
                // A clean close leaves nothing in the log to replay, so the next open is fast.
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(flush, handles);
                }
            }
        } catch (RocksDBException e) {
            failure = new StorageException("cannot sync the RocksDB log in " + directory, e);
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            StorageException closing = new StorageException("cannot close RocksDB in " + directory, e);
            if (failure == null) {
                failure = closing;
            } else {
                failure.addSuppressed(closing);
            }
        }
        closeAll(nativeOptions);
        dbOptions.close();
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                throw new StorageException("cannot release RocksDB options", e);
            }
        }
    }
}
