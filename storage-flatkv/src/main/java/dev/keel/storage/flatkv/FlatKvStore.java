package dev.keel.storage.flatkv;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.CommitmentMismatchException;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.IncompatibleExportException;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreConfigurationException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.StoreNotEmptyException;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.VersionNotRetainedException;
import dev.keel.storage.api.VersionedStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flatkv backend: the latest state in a flat RocksDB column family, an LtHash16 over BLAKE3
 * as the commitment, and per-version undo records for the retained window.
 *
 * <h2>Layout</h2>
 * One RocksDB database per data directory (see {@link StoreDirectory}), with column families
 * {@code state} (key → value at the latest version), {@code history} (per retained version, the
 * values its changed keys had before it, in a few large chunks: see {@link History}),
 * {@code versions} (per retained version: LtHash lanes, key count, metadata) and {@code default}
 * (store-wide settings and the latest/oldest version numbers). A commit writes all of it in one
 * {@link WriteBatch}, so a crash leaves the old version or the new one, and costs RocksDB one
 * entry per changed key plus a handful. A historical read at {@code v} is the value recorded for
 * the first change of that key after {@code v}, or the latest value when it has not changed since.
 *
 * <h2>Threads</h2>
 * Writes (commit, rollback, prune, import) are serialised by one lock; reads run concurrently.
 * Every native call goes through {@link Generation#read}, so use after close is an
 * {@link IllegalStateException}, never a crash.
 */
final class FlatKvStore implements VersionedStore {
    private static final Logger LOG = LoggerFactory.getLogger(FlatKvStore.class);
    private static final AtomicInteger OPENERS = new AtomicInteger();
    private static final byte[] META_FORMAT = "format".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_INITIAL = "initial-version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_LATEST = "latest-version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_OLDEST = "oldest-version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORMAT = "flatkv/2".getBytes(StandardCharsets.UTF_8);
    /** Records hashed per task during an import. */
    private static final int IMPORT_BATCH = 2048;

    /** What readers need about the latest version; replaced, never mutated. */
    record Head(Generation gen, CommitInfo latest, byte[] lanes, long keyCount, long oldest) {
    }

    private final StoreDirectory directory;
    private final StoreOptions options;
    private final long initialVersion;
    private final CommitHasher hasher;
    private final WriteOptions writeOptions;
    private final WriteOptions syncedWrites;
    private final ReentrantLock writer = new ReentrantLock();
    /**
     * Makes a write's data and its head visible together: held exclusively around
     * "write batch + publish head", shared by reads of the latest version, so a read never sees
     * data of a version {@link #latestVersion()} does not report yet.
     */
    private final ReentrantReadWriteLock visibility = new ReentrantReadWriteLock();
    private final Set<AutoCloseable> openResources = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Head head;

    private FlatKvStore(StoreDirectory directory, StoreOptions options, Head head) {
        this.directory = directory;
        this.options = options;
        this.initialVersion = options.initialVersion();
        this.head = head;
        this.hasher = new CommitHasher(options.hashThreads());
        this.writeOptions = new WriteOptions().setSync(options.sync());
        this.syncedWrites = new WriteOptions().setSync(true);
    }

    static FlatKvStore open(Path root, StoreOptions options) {
        StoreDirectory directory = StoreDirectory.open(root);
        Path current = directory.current();
        Generation gen;
        if (current == null) {
            Path fresh = directory.newDataDirectory();
            gen = Generation.open(fresh, blockCacheBytes(options));
            try {
                initialise(gen, options.initialVersion());
                directory.switchTo(fresh);
                directory.deleteAllExcept(fresh);
            } catch (RuntimeException e) {
                gen.release();
                throw e;
            }
        } else {
            gen = Generation.open(current, blockCacheBytes(options));
            directory.deleteAllExcept(current);
        }
        try {
            Head head = loadHead(gen, options.initialVersion());
            LOG.info("flatkv opened dir={} version={} oldest={} keys={} commitment={}", root,
                    head.latest().version(), head.oldest(), head.keyCount(), head.latest().commitment().hex());
            return new FlatKvStore(directory, options, head);
        } catch (RuntimeException e) {
            gen.release();
            throw e;
        }
    }

    /** Backend property: the block cache of {@code state} and {@code hist}, in MiB (default 256). */
    static final String BLOCK_CACHE_MIB = "flatkv.block-cache-mib";

    static long blockCacheBytes(StoreOptions options) {
        String value = options.backendProperties().getOrDefault(BLOCK_CACHE_MIB, "256");
        try {
            long mib = Long.parseLong(value.trim());
            if (mib < 1 || mib > (1L << 20)) {
                throw new NumberFormatException("out of range");
            }
            return mib << 20;
        } catch (NumberFormatException e) {
            throw new StoreConfigurationException(BLOCK_CACHE_MIB + " must be 1.." + (1L << 20) + " MiB, got '" + value + "'");
        }
    }

    private static void initialise(Generation gen, long initialVersion) {
        try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
            batch.put(gen.meta, META_FORMAT, FORMAT);
            batch.put(gen.meta, META_INITIAL, Keys.u64(initialVersion));
            batch.put(gen.meta, META_LATEST, Keys.u64(0));
            batch.put(gen.meta, META_OLDEST, Keys.u64(0));
            batch.put(gen.versions, Keys.u64(0),
                    new VersionRecord(new byte[VersionRecord.LANE_BYTES], 0, CommitMetadata.EMPTY).encode());
            gen.db.write(sync, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot initialise " + gen.directory, e);
        }
    }

    private static Head loadHead(Generation gen, long expectedInitial) {
        try {
            byte[] format = gen.db.get(gen.meta, META_FORMAT);
            if (format == null || !Arrays.equals(format, FORMAT)) {
                throw new StoreConfigurationException(gen.directory + " has on-disk format "
                        + (format == null ? "none" : new String(format, StandardCharsets.UTF_8)) + ", expected "
                        + new String(FORMAT, StandardCharsets.UTF_8));
            }
            long initial = Keys.getU64(required(gen, gen.meta, META_INITIAL), 0);
            if (initial != expectedInitial) {
                throw new StoreConfigurationException("store in " + gen.directory + " was created with initial version "
                        + initial + ", opened with " + expectedInitial + " (the initial version is genesis configuration)");
            }
            long latest = Keys.getU64(required(gen, gen.meta, META_LATEST), 0);
            long oldest = Keys.getU64(required(gen, gen.meta, META_OLDEST), 0);
            VersionRecord record = decodeRecord(gen, required(gen, gen.versions, Keys.u64(latest)), latest);
            CommitInfo info = new CommitInfo(latest, LtHashLanes.commitment(record.lanes()), record.metadata());
            return new Head(gen, info, record.lanes(), record.keyCount(), oldest);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read store metadata in " + gen.directory, e);
        }
    }

    private static byte[] required(Generation gen, ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
        byte[] value = gen.db.get(cf, key);
        if (value == null) {
            throw new CorruptionException(gen.directory, "missing " + new String(cf.getName(), StandardCharsets.UTF_8)
                    + " entry " + java.util.HexFormat.of().formatHex(key));
        }
        return value;
    }

    static VersionRecord decodeRecord(Generation gen, byte[] bytes, long version) {
        try {
            return VersionRecord.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptionException(gen.directory, "version record " + version + " is malformed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public String backend() {
        ensureOpen();
        return StoreDirectory.BACKEND;
    }

    @Override
    public String commitmentScheme() {
        ensureOpen();
        return Commitment.LTHASH16_BLAKE3;
    }

    @Override
    public long initialVersion() {
        ensureOpen();
        return initialVersion;
    }

    @Override
    public long latestVersion() {
        return liveHead().latest().version();
    }

    @Override
    public long oldestRetainedVersion() {
        return liveHead().oldest();
    }

    @Override
    public CommitInfo latest() {
        return liveHead().latest();
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Limits.checkKey(key);
        return onHead(h -> {
            try {
                return Optional.ofNullable(h.gen().db.get(h.gen().state, key));
            } catch (RocksDBException e) {
                throw new StorageException("cannot read from " + h.gen().directory, e);
            }
        });
    }

    @Override
    public StoreView view(long version) {
        return openView(version);
    }

    FlatKvView openView(long version) {
        while (true) {
            Head h = liveHead();
            Generation gen = h.gen();
            try {
                gen.acquire();
            } catch (IllegalStateException e) {
                if (head != h && !closed.get()) {
                    continue; // replaced by an import between reading the head and acquiring it
                }
                throw e;
            }
            try {
                FlatKvView view = FlatKvView.open(this, gen, version, initialVersion);
                openResources.add(view);
                if (closed.get()) {
                    view.close();
                    throw new IllegalStateException("store is closed");
                }
                return view;
            } catch (RuntimeException e) {
                gen.release();
                throw e;
            }
        }
    }

    void forget(AutoCloseable resource) {
        openResources.remove(resource);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CommitInfo commit(ChangeSet changes, CommitMetadata metadata) {
        java.util.Objects.requireNonNull(changes, "changes");
        java.util.Objects.requireNonNull(metadata, "metadata");
        writer.lock();
        try {
            Head h = liveHead();
            Generation gen = h.gen();
            long version = h.latest().version() == 0 ? initialVersion : h.latest().version() + 1;
            long oldest = oldestAfter(h.oldest(), version);
            // No Generation.read here: the writer lock alone keeps the generation open (close and
            // replace take it too), and taking the generation's lock before the visibility lock
            // would invert the order readers use.
            return writeVersion(h, version, oldest, changes.effective(), metadata).latest();
        } finally {
            writer.unlock();
        }
    }

    /**
     * Writes one version. The old values are read and both element hashes of every key computed
     * slice by slice on the hashing threads and this one (see {@link CommitHasher.Update}); this
     * thread adds each slice to the write batch as soon as it is read, in key order. A put of an
     * unchanged value adds and subtracts the same element hash, so the delta needs no special
     * case for it; only the batch skips it.
     */
    private Head writeVersion(Head h, long version, long oldest, List<Mutation> effective, CommitMetadata metadata) {
        Generation gen = h.gen();
        int n = effective.size();
        List<byte[]> keys = new ArrayList<>(n);
        List<byte[]> afters = new ArrayList<>(n);
        for (Mutation m : effective) {
            keys.add(m.key());
            afters.add(m.value());
        }
        CommitHasher.Update update = hasher.startUpdate(keys, afters, slice -> readCurrent(gen, slice));
        try (WriteBatch batch = new WriteBatch()) {
            long keyCount = h.keyCount();
            List<History.Prior> priors = new ArrayList<>(n);
            for (int s = 0; s < update.slices(); s++) {
                update.awaitRead(s);
                for (int i = update.sliceStart(s); i < update.sliceEnd(s); i++) {
                    byte[] key = keys.get(i);
                    byte[] before = update.before(i);
                    byte[] after = afters.get(i);
                    // Both sides are checked for null here rather than left to Arrays.equals: Jazzer's
                    // hook on Arrays.equals (fuzzing runs) crashes the JVM on a null argument.
                    if (before == null || after == null ? before == after : Arrays.equals(before, after)) {
                        continue;
                    }
                    if (after == null) {
                        batch.delete(gen.state, key);
                        keyCount--;
                    } else {
                        batch.put(gen.state, key, after);
                        if (before == null) {
                            keyCount++;
                        }
                    }
                    priors.add(new History.Prior(key, before));
                }
            }
            List<byte[]> chunks = History.encode(priors);
            for (int c = 0; c < chunks.size(); c++) {
                batch.put(gen.history, Keys.historyChunk(version, c), chunks.get(c));
            }
            if (oldest != h.oldest()) {
                trim(gen, batch, h.oldest(), oldest);
                batch.put(gen.meta, META_OLDEST, Keys.u64(oldest));
            }
            int[] delta = update.join();
            byte[] lanes = LtHashLanes.add(h.lanes(), delta);
            CommitInfo info = new CommitInfo(version, LtHashLanes.commitment(lanes), metadata);
            batch.put(gen.versions, Keys.u64(version), new VersionRecord(lanes, keyCount, metadata).encode());
            batch.put(gen.meta, META_LATEST, Keys.u64(version));
            Head next = new Head(gen, info, lanes, keyCount, oldest);
            publish(gen, writeOptions, batch, next);
            return next;
        } catch (RocksDBException e) {
            throw new StorageException("cannot commit version " + version + " in " + gen.directory, e);
        } finally {
            // No reading or hashing task may outlive the commit: the caller may reuse its arrays,
            // and a close may follow.
            update.cancel();
        }
    }

    private static List<byte[]> readCurrent(Generation gen, List<byte[]> keys) {
        List<ColumnFamilyHandle> families = java.util.Collections.nCopies(keys.size(), gen.state);
        try {
            return gen.db.multiGetAsList(families, keys);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read current values in " + gen.directory, e);
        }
    }

    /** The oldest retained version after committing {@code version}, keeping the window. */
    private long oldestAfter(long currentOldest, long version) {
        // Existing versions are 0 and initialVersion..version; the window keeps the newest ones.
        long existing = 1 + (version - initialVersion + 1);
        if (existing <= options.retainedVersions()) {
            return currentOldest;
        }
        return Math.max(currentOldest, version - options.retainedVersions() + 1);
    }

    /**
     * Adds to {@code batch} the deletes that release versions {@code [from, to)}: their records,
     * and the histories only they needed (those of versions {@code (from, to]}). History chunk
     * keys start with their version, so both are key ranges and nothing is read: iterating the
     * chunks to delete them one by one would read (and cache) about a block's worth of old
     * values per released version on every commit.
     */
    private static void trim(Generation gen, WriteBatch batch, long from, long to) throws RocksDBException {
        batch.deleteRange(gen.history, Keys.u64(from + 1), Keys.u64(to + 1));
        batch.deleteRange(gen.versions, Keys.u64(from), Keys.u64(to));
    }

    /** Decodes one history chunk, naming the data directory if it is damaged. */
    static List<History.Prior> historyChunk(Generation gen, byte[] key, byte[] chunk) {
        try {
            return History.decode(chunk);
        } catch (IllegalArgumentException e) {
            throw new CorruptionException(gen.directory, "history chunk " + java.util.HexFormat.of().formatHex(key)
                    + " is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public void rollbackTo(long version) {
        writer.lock();
        try {
            Head h = liveHead();
            checkRetained(h, version);
            long latest = h.latest().version();
            if (version == latest) {
                return;
            }
            Generation gen = h.gen();
            try (WriteBatch batch = new WriteBatch();
                 ReadOptions ro = new ReadOptions();
                 RocksIterator it = gen.db.newIterator(gen.history, ro)) {
                byte[] end = Keys.u64(latest + 1);
                Set<ByteBuffer> restored = new HashSet<>();
                // Ascending versions: the first change of a key after `version` holds its value at `version`.
                for (it.seek(Keys.u64(version + 1)); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    if (Arrays.compareUnsigned(k, end) >= 0) {
                        break;
                    }
                    for (History.Prior p : historyChunk(gen, k, it.value())) {
                        if (restored.add(ByteBuffer.wrap(p.key()))) {
                            if (p.before() == null) {
                                batch.delete(gen.state, p.key());
                            } else {
                                batch.put(gen.state, p.key(), p.before());
                            }
                        }
                    }
                    batch.delete(gen.history, k);
                }
                it.status();
                batch.deleteRange(gen.versions, Keys.u64(version + 1), end);
                batch.put(gen.meta, META_LATEST, Keys.u64(version));
                VersionRecord record = decodeRecord(gen, required(gen, gen.versions, Keys.u64(version)), version);
                CommitInfo info = new CommitInfo(version, LtHashLanes.commitment(record.lanes()), record.metadata());
                Head next = new Head(gen, info, record.lanes(), record.keyCount(), h.oldest());
                publish(gen, syncedWrites, batch, next);
            } catch (RocksDBException e) {
                throw new StorageException("cannot roll back to version " + version + " in " + gen.directory, e);
            }
            LOG.info("flatkv rolled back dir={} from={} to={}", directory.root(), latest, version);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public void pruneBefore(long version) {
        writer.lock();
        try {
            Head h = liveHead();
            checkRetained(h, version);
            if (version <= h.oldest()) {
                return;
            }
            Generation gen = h.gen();
            try (WriteBatch batch = new WriteBatch()) {
                trim(gen, batch, h.oldest(), version);
                batch.put(gen.meta, META_OLDEST, Keys.u64(version));
                publish(gen, syncedWrites, batch, new Head(gen, h.latest(), h.lanes(), h.keyCount(), version));
            } catch (RocksDBException e) {
                throw new StorageException("cannot prune before version " + version + " in " + gen.directory, e);
            }
        } finally {
            writer.unlock();
        }
    }

    void checkRetained(Head h, long version) {
        if (!isRetained(version, h.oldest(), h.latest().version(), initialVersion)) {
            throw new VersionNotRetainedException(version, h.oldest(), h.latest().version());
        }
    }

    static boolean isRetained(long version, long oldest, long latest, long initialVersion) {
        return version >= oldest && version <= latest && (version == 0 || version >= initialVersion);
    }

    // ---------------------------------------------------------------- export / import

    @Override
    public StoreExport export(long version) {
        return new FlatKvExport(openView(version));
    }

    @Override
    public StoreExport exportLogical(long version) {
        return export(version);
    }

    @Override
    public CommitInfo importFrom(ImportSource source, ProgressListener progress) {
        writer.lock();
        try {
            Head h = liveHead();
            if (h.latest().version() != 0) {
                throw new StoreNotEmptyException(h.latest().version());
            }
            return replace(h, source, progress);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public CommitInfo replaceFrom(ImportSource source, ProgressListener progress) {
        writer.lock();
        try {
            return replace(liveHead(), source, progress);
        } finally {
            writer.unlock();
        }
    }

    private CommitInfo replace(Head h, ImportSource source, ProgressListener progress) {
        checkCompatible(source);
        CommitInfo expected = source.expected();
        Path fresh = directory.newDataDirectory();
        // Creating the database (files, manifest, syncs) overlaps with writing the SST files,
        // which need no database; the ingest waits for it.
        CompletableFuture<Generation> opening = CompletableFuture.supplyAsync(
                () -> Generation.open(fresh, blockCacheBytes(options)), FlatKvStore::runOnOpenerThread);
        Generation gen = null;
        boolean switched = false;
        try {
            SstImport.Result imported = SstImport.run(() -> await(opening), fresh.resolve("ingest"), source, hasher,
                    IMPORT_BATCH, progress == null ? ProgressListener.NONE : progress);
            gen = await(opening);
            Commitment actual = LtHashLanes.commitment(imported.lanes());
            if (!actual.equals(expected.commitment())) {
                throw new CommitmentMismatchException(expected.version(), expected.commitment(), actual);
            }
            Generation g = gen;
            gen.read(() -> {
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(g.meta, META_FORMAT, FORMAT);
                    batch.put(g.meta, META_INITIAL, Keys.u64(initialVersion));
                    batch.put(g.meta, META_LATEST, Keys.u64(expected.version()));
                    batch.put(g.meta, META_OLDEST, Keys.u64(expected.version()));
                    batch.put(g.versions, Keys.u64(expected.version()),
                            new VersionRecord(imported.lanes(), imported.records(), expected.metadata()).encode());
                    g.db.write(syncedWrites, batch);
                    return null;
                } catch (RocksDBException e) {
                    throw new StorageException("cannot record the imported version in " + g.directory, e);
                }
            });
            directory.switchTo(fresh);
            switched = true;
            Head old = h;
            visibility.writeLock().lock();
            try {
                head = new Head(gen, expected, imported.lanes(), imported.records(), expected.version());
            } finally {
                visibility.writeLock().unlock();
            }
            old.gen().retire();
            old.gen().release();
            LOG.info("flatkv imported dir={} version={} records={} commitment={}", directory.root(),
                    expected.version(), imported.records(), actual.hex());
            return expected;
        } catch (RuntimeException | Error e) {
            if (!switched) {
                discardImport(gen != null ? gen : awaitQuietly(opening), fresh, e);
            }
            throw e;
        }
    }

    /**
     * After a failed import: closes the fresh database (waited for, so its directory never goes
     * from under an open) and deletes its directory; a cleanup failure is added to {@code cause}.
     */
    private static void discardImport(Generation opened, Path fresh, Throwable cause) {
        try {
            if (opened != null) {
                opened.retire();
                opened.release();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            StoreDirectory.deleteTree(fresh);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void runOnOpenerThread(Runnable task) {
        Thread t = new Thread(task, "keel-flatkv-open-" + OPENERS.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    /** @return the opened generation, or the open's own exception */
    private static Generation await(CompletableFuture<Generation> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** @return the opened generation, or null when the open failed (its failure is not this one's) */
    private static Generation awaitQuietly(CompletableFuture<Generation> opening) {
        try {
            return opening.join();
        } catch (CompletionException | CancellationException e) {
            return null;
        }
    }

    private void checkCompatible(ImportSource source) {
        if (!source.backend().equals(StoreDirectory.BACKEND)) {
            throw new IncompatibleExportException("records come from backend '" + source.backend()
                    + "'; flatkv imports only its own exports");
        }
        if (!source.recordKind().equals(StoreExport.KIND_KEY_VALUE)) {
            throw new IncompatibleExportException("record kind '" + source.recordKind() + "'; flatkv imports "
                    + StoreExport.KIND_KEY_VALUE);
        }
        if (!source.expected().commitment().scheme().equals(Commitment.LTHASH16_BLAKE3)) {
            throw new IncompatibleExportException("commitment scheme '" + source.expected().commitment().scheme()
                    + "'; flatkv commits with " + Commitment.LTHASH16_BLAKE3);
        }
        if (source.expected().version() < 1) {
            throw new IncompatibleExportException("an export of version 0 holds nothing to import");
        }
    }

    // ---------------------------------------------------------------- lifecycle

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("store is closed");
        }
    }

    private Head liveHead() {
        ensureOpen();
        return head;
    }

    /** Runs a read on the current head, retrying once the head moved if an import retired it meanwhile. */
    private <T> T onHead(Function<Head, T> read) {
        while (true) {
            Head h = liveHead();
            visibility.readLock().lock();
            try {
                h = liveHead();
                Head current = h;
                return h.gen().read(() -> read.apply(current));
            } catch (IllegalStateException e) {
                if (head == h || closed.get()) {
                    throw e;
                }
            } finally {
                visibility.readLock().unlock();
            }
        }
    }

    /** Writes a batch and publishes the head it produces, visible to readers together. */
    private void publish(Generation gen, WriteOptions options, WriteBatch batch, Head next) throws RocksDBException {
        visibility.writeLock().lock();
        try {
            gen.db.write(options, batch);
            head = next;
        } finally {
            visibility.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (AutoCloseable r : List.copyOf(openResources)) {
            try {
                r.close();
            } catch (Exception e) {
                failure = chain(failure, e);
            }
        }
        writer.lock();
        try {
            hasher.close();
            writeOptions.close();
            syncedWrites.close();
            head.gen().release();
        } catch (RuntimeException e) {
            failure = chain(failure, e);
        } finally {
            writer.unlock();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException chain(RuntimeException first, Exception next) {
        if (first == null) {
            return next instanceof RuntimeException r ? r : new StorageException("close failed", next);
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "FlatKvStore[" + directory.root() + "]";
    }
}
