package dev.keel.raft.wal;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.keel.raft.io.ChannelDirectory;
import dev.keel.raft.crypto.SealCounter;
import dev.keel.raft.io.StorageDirectory;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogCompactedException;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.LogStorage;
import dev.keel.storage.api.consensus.LogUnavailableException;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import dev.keel.storage.api.consensus.WalFailedException;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.SealedRecordException;
import dev.keel.storage.api.crypto.Sealer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogStorage} on Keel's segmented write-ahead log (SPEC section 2; byte layout in
 * {@code docs/wal-format.md}).
 *
 * <p><b>Opening</b> ({@link #builder}) replays every segment and fails with
 * {@link WalCorruptionException} on anything but a torn tail of the last segment, which it
 * truncates and logs. A {@linkplain Builder#readOnly read-only} open changes no file and rejects
 * every mutation with {@link IllegalStateException}.
 *
 * <p><b>Writes</b> (appends, truncations, hard state, snapshot token, compaction) go through an
 * LMAX Disruptor ring to one writer thread, in the order the calls were accepted; appends are
 * group-committed (one write and one {@code force} per batch). Reads see only durable state. After
 * a failed write or force every pending and later write fails with {@link WalFailedException}.
 *
 * <p><b>Encryption at rest</b> (SPEC section 2): with a {@linkplain Builder#sealer sealer}, entries
 * appended after {@link #sealWith(int)} named a key are sealed on the appending thread with that key
 * and stored with its id; associated data binds the log id, record type, entry type, key id, index
 * and term (see {@code EntrySealing}). Reads open them: a missing key is a
 * {@link dev.keel.storage.api.crypto.KeyNotFoundException}, a failed tag a
 * {@link dev.keel.storage.api.crypto.SealedRecordException}, never a plaintext fallback. Seals per
 * key are counted and carried by every new segment header, so the per-key limit survives restarts;
 * {@link #keysInUse()} names the keys live segments still need.
 *
 * <p><b>Threads</b>: every method may be called from any thread. Futures returned by
 * {@link #append} complete on the writer thread, so dependent actions should be asynchronous or
 * cheap; a blocking call of this log (hard state, token, truncation, compaction) from such a
 * callback throws {@link IllegalStateException} instead of deadlocking. Use after
 * {@link #close()} throws {@link IllegalStateException}.
 */
public final class SegmentedLogStorage implements LogStorage {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLogStorage.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The builder's default {@linkplain Builder#ackSpin acknowledgement spin} cap. */
    public static final Duration DEFAULT_ACK_SPIN = Duration.ofMillis(1);
    private static final Duration MAX_ACK_SPIN = Duration.ofMillis(100);

    private final StorageDirectory dir;
    private final boolean ownsDirectory;
    private final boolean readOnly;
    private final WalState state;
    private final Disruptor<WalEvent> disruptor;
    private final RingBuffer<WalEvent> ring;
    private final Object appendLock = new Object();
    // The tail as accepted (not yet necessarily durable) writes leave it; guarded by appendLock.
    private long acceptedLast;
    private long acceptedSnapshotIndex;
    private volatile boolean closed;
    private volatile int sealKeyId;
    private volatile Thread writerThread;
    private final long tornBytes;

    private SegmentedLogStorage(Builder b, StorageDirectory dir, boolean ownsDirectory) {
        this.dir = dir;
        this.ownsDirectory = ownsDirectory;
        this.readOnly = b.readOnly;
        WalRecovery.Recovered recovered = new WalRecovery(dir, b.readOnly, b.segmentBytes).recover();
        byte[] logId = recovered.logId();
        if (logId == null) {
            // A new log, or one whose segments predate log ids: the next segment begun carries this one.
            logId = new byte[WalProto.LOG_ID_BYTES];
            new java.security.SecureRandom().nextBytes(logId);
        }
        this.state = new WalState(recovered.index(), recovered.hardState(), recovered.snapshotToken(), logId, b.sealer,
                b.ackSpin.toNanos());
        state.sealCounts.putAll(recovered.sealCounts());
        if (b.sealer instanceof SealCounter counter) {
            counter.raiseSealCounts(recovered.sealCounts());
        }
        for (Segment s : recovered.segments()) {
            state.segments.put(s.sequence, s);
        }
        this.tornBytes = recovered.tornBytes();
        this.acceptedLast = recovered.index().lastIndex();
        this.acceptedSnapshotIndex = recovered.snapshotToken() == null ? 0 : recovered.snapshotToken().index();
        if (readOnly) {
            this.disruptor = null;
            this.ring = null;
            return;
        }
        if (b.listener != null) {
            state.listener = b.listener;
        }
        WalWriter writer;
        try {
            writer = new WalWriter(dir, state, b.segmentBytes, b.maxBatchBytes, b.maxBatchCount, recovered);
        } catch (IOException | RuntimeException e) {
            closeSegments();
            throw e instanceof IOException io ? new StorageException("cannot start the WAL in " + dir.describe(""), io)
                    : (RuntimeException) e;
        }
        String threadName = "keel-wal-writer-" + THREADS.incrementAndGet();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, threadName);
            writerThread = t;
            // Daemon: a log that was never closed must not keep the JVM alive.
            t.setDaemon(true);
            return t;
        };
        this.disruptor = new Disruptor<>(WalEvent::new, b.ringSize, threads, ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith(writer);
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        this.ring = disruptor.start();
        LOG.info("event=wal_opened dir={} firstIndex={} lastIndex={} segments={}", dir.describe(""),
                recovered.index().firstIndex(), recovered.index().lastIndex(), state.segments.size());
    }

    /** @return a builder for a log in {@code directory}, which must exist */
    public static Builder builder(Path directory) {
        return new Builder(Objects.requireNonNull(directory, "directory"), null);
    }

    /** @return a builder for a log on an already open storage directory (not closed by the log) */
    public static Builder builder(StorageDirectory directory) {
        return new Builder(null, Objects.requireNonNull(directory, "directory"));
    }

    /** @return how long a waiter for a new operation spins before parking (for tests) */
    long ackSpinNanos() {
        return state.ackSpinNanos;
    }

    /** @return the writer thread, null when read-only (for tests) */
    Thread writerThread() {
        return writerThread;
    }

    /** @return the non-zero bytes recovery cut from a torn tail when this instance opened (0 if none) */
    long tornBytesTruncated() {
        return tornBytes;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long firstIndex() {
        checkOpen();
        state.lock.readLock().lock();
        try {
            return state.index.firstIndex();
        } finally {
            state.lock.readLock().unlock();
        }
    }

    @Override
    public long lastIndex() {
        checkOpen();
        state.lock.readLock().lock();
        try {
            return state.index.lastIndex();
        } finally {
            state.lock.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Index 0 of a log that was never compacted has term 0 (the Raft convention for "before the
     * first entry").
     */
    @Override
    public long term(long index) {
        checkOpen();
        state.lock.readLock().lock();
        try {
            EntryIndex idx = state.index;
            if (idx.holds(index)) {
                return idx.term(index);
            }
            SnapshotToken token = state.snapshotToken;
            if (token != null && token.index() == index) {
                return token.term();
            }
            if (index > idx.lastIndex()) {
                throw new LogUnavailableException(index, idx.lastIndex());
            }
            if (index == 0 && idx.firstIndex() == 1) {
                return 0;
            }
            throw new LogCompactedException(index, idx.firstIndex());
        } finally {
            state.lock.readLock().unlock();
        }
    }

    @Override
    public List<LogEntry> entries(long lo, long hi, long maxBytes) {
        checkOpen();
        if (lo > hi) {
            throw new IllegalArgumentException("lo " + lo + " > hi " + hi);
        }
        state.lock.readLock().lock();
        try {
            EntryIndex idx = state.index;
            if (lo < idx.firstIndex()) {
                throw new LogCompactedException(lo, idx.firstIndex());
            }
            if (hi > idx.lastIndex() + 1) {
                throw new LogUnavailableException(hi - 1, idx.lastIndex());
            }
            List<LogEntry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
            CRC32C crc = new CRC32C();
            RecordFrame.Scan scan = new RecordFrame.Scan();
            long bytes = 0;
            for (long i = lo; i < hi; i++) {
                LogEntry e = readEntry(idx, i, crc, scan);
                bytes += e.payloadLength();
                if (!out.isEmpty() && bytes > maxBytes) {
                    break;
                }
                out.add(e);
            }
            return out;
        } finally {
            state.lock.readLock().unlock();
        }
    }

    private LogEntry readEntry(EntryIndex idx, long i, CRC32C crc, RecordFrame.Scan scan) {
        long location = idx.location(i);
        Segment segment = state.segments.get(EntryIndex.segmentOf(location));
        int offset = EntryIndex.offsetOf(location);
        Path file = Path.of(dir.describe(Segment.fileName(EntryIndex.segmentOf(location))));
        if (segment == null) {
            throw new WalCorruptionException(file, offset, "entry " + i + " points into a segment that is not open");
        }
        byte[] record = new byte[RecordFrame.OVERHEAD + idx.bodyLength(i)];
        try {
            if (!segment.file.readFully(ByteBuffer.wrap(record), offset)) {
                throw new WalCorruptionException(file, offset, "entry " + i + " is cut by the end of the file");
            }
        } catch (IOException e) {
            throw new StorageException("cannot read entry " + i + " from " + file + " at offset " + offset, e);
        }
        RecordFrame.Scan s = RecordFrame.parse(record, record.length, 0, idx.prevCrc(i), crc, scan);
        if (s.status != RecordFrame.Status.OK || s.type != RecordFrame.ENTRY) {
            throw new WalCorruptionException(file, offset, "entry " + i + " fails its checks on read: "
                    + (s.status == RecordFrame.Status.OK ? "record type " + s.type : s.reason));
        }
        WalProto.StoredEntry stored;
        try {
            stored = WalProto.readStoredEntry(ByteBuffer.wrap(record, s.bodyOffset, s.bodyLength).slice());
        } catch (IllegalArgumentException ex) {
            throw new WalCorruptionException(file, offset, "entry " + i + " does not decode: " + ex.getMessage());
        }
        LogEntry e = stored.entry();
        if (e.index() != i) {
            throw new WalCorruptionException(file, offset, "record holds index " + e.index() + ", expected " + i);
        }
        if (stored.keyId() == 0) {
            return e;
        }
        byte[] segmentLogId = segment.header.logId();
        if (segmentLogId == null) {
            throw new WalCorruptionException(file, offset, "sealed entry " + i + " in a segment without a log id");
        }
        Sealer sealer = state.sealer;
        if (sealer == null) {
            throw new CryptoException("entry " + i + " in " + file + " is sealed with key " + stored.keyId()
                    + " but this log was opened without a sealer");
        }
        byte[] aad = EntrySealing.associatedData(segmentLogId, e.type(), stored.keyId(), e.index(), e.term());
        byte[] plain;
        try {
            plain = sealer.open(stored.keyId(), aad, e.payload());
        } catch (SealedRecordException ex) {
            throw new SealedRecordException("entry " + i + " in " + file + " at offset " + offset + ": " + ex.getMessage(),
                    ex.getCause());
        }
        return new LogEntry(e.index(), e.term(), e.type(), plain);
    }

    // ------------------------------------------------------------------ sealing

    /**
     * Seals entries appended from now on with {@code keyId}, or stops sealing with 0. The caller
     * (the engine) calls it after applying the entry that chose the key, before appending the next
     * one, so every entry after the cutover is sealed.
     *
     * @param keyId the key id, or 0 for cleartext
     * @throws IllegalStateException if the log has no sealer, or is closed or read-only
     */
    public void sealWith(int keyId) {
        checkWritable();
        if (keyId < 0) {
            throw new IllegalArgumentException("key id must be >= 0: " + keyId);
        }
        if (keyId != 0 && state.sealer == null) {
            throw new IllegalStateException("cannot seal with key " + keyId + ": the log was opened without a sealer");
        }
        this.sealKeyId = keyId;
    }

    /** @return the key new entries are sealed with, 0 for cleartext */
    public int sealKeyId() {
        return sealKeyId;
    }

    /**
     * @return the ids of the keys that sealed entries in the live segments use: a key must stay
     *     available to the key provider while it is listed here (or used by a retained snapshot)
     */
    public java.util.SortedSet<Integer> keysInUse() {
        checkOpen();
        java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
        state.lock.readLock().lock();
        try {
            for (Segment s : state.segments.values()) {
                out.addAll(s.keys);
            }
        } finally {
            state.lock.readLock().unlock();
        }
        return out;
    }

    /** @return seals per key id this log knows of (recovered from segment headers plus its own since) */
    public java.util.Map<Integer, Long> sealCounts() {
        checkOpen();
        return new java.util.TreeMap<>(state.sealCounts);
    }

    private List<LogEntry> seal(List<LogEntry> entries, int keyId) {
        List<LogEntry> sealed = new ArrayList<>(entries.size());
        int room = LogEntry.MAX_PAYLOAD_BYTES - state.sealer.overhead();
        for (LogEntry e : entries) {
            if (e.payloadLength() > room) {
                throw new IllegalArgumentException("entry " + e.index() + " has " + e.payloadLength()
                        + " payload bytes; a sealed entry holds at most " + room);
            }
        }
        for (LogEntry e : entries) {
            byte[] aad = EntrySealing.associatedData(state.logId, e.type(), keyId, e.index(), e.term());
            sealed.add(new LogEntry(e.index(), e.term(), e.type(), state.sealer.seal(keyId, aad, e.payload())));
        }
        state.sealCounts.merge(keyId, (long) entries.size(), Long::sum);
        return sealed;
    }

    @Override
    public HardState hardState() {
        checkOpen();
        return state.hardState;
    }

    @Override
    public Optional<SnapshotToken> snapshotToken() {
        checkOpen();
        return Optional.ofNullable(state.snapshotToken);
    }

    // ------------------------------------------------------------------ writes

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also if the first index is at or below the recorded snapshot
     *     (entries a snapshot covers are committed and never rewritten), or if sealing is on and a
     *     payload leaves no room for the sealer's overhead within {@link LogEntry#MAX_PAYLOAD_BYTES}
     * @throws dev.keel.storage.api.crypto.CryptoException if sealing fails (a missing or exhausted key);
     *     nothing is appended
     * @throws IllegalStateException if closed or read-only
     */
    @Override
    public CompletableFuture<Void> append(List<LogEntry> entries) {
        return append(entries, null);
    }

    /**
     * Appends entries and then records a hard state, in one group-committed write: the future
     * completes once both are durable, after a single {@code force} (a single voter's "append,
     * then commit what was appended" costs one device flush, not two). A crash may keep the
     * entries without the hard state, never the reverse.
     *
     * @param entries consecutive entries, as for {@link #append(List)}
     * @param thenHardState recorded after the entries (null: none)
     * @return completes when the entries and the hard state are durable
     * @throws IllegalArgumentException as for {@link #append(List)}
     * @throws IllegalStateException if closed or read-only
     */
    public CompletableFuture<Void> append(List<LogEntry> entries, HardState thenHardState) {
        Objects.requireNonNull(entries, "entries");
        if (thenHardState != null) {
            WalProto.checkEncodable(thenHardState);
        }
        if (entries.isEmpty()) {
            checkOpen();
            if (thenHardState != null) {
                setHardState(thenHardState);
            }
            return CompletableFuture.completedFuture(null);
        }
        List<LogEntry> copy = List.copyOf(entries);
        for (int i = 1; i < copy.size(); i++) {
            if (copy.get(i).index() != copy.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries are not consecutive: " + copy.get(i - 1).index()
                        + " then " + copy.get(i).index());
            }
        }
        long first = copy.get(0).index();
        int keyId = sealKeyId;
        if (keyId != 0) {
            // On the appending thread, so sealing runs in parallel with the writer's I/O.
            copy = seal(copy, keyId);
        }
        CompletableFuture<Void> future = state.newFuture();
        synchronized (appendLock) {
            checkWritable();
            WalFailedException failure = state.failure;
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (first > acceptedLast + 1) {
                throw new IllegalArgumentException("append at " + first + " leaves a gap after last index " + acceptedLast);
            }
            if (first <= acceptedSnapshotIndex) {
                throw new IllegalArgumentException("append at " + first + " would rewrite entries covered by the snapshot at "
                        + acceptedSnapshotIndex);
            }
            long seq = ring.next();
            try {
                WalEvent ev = ring.get(seq);
                ev.kind = WalEvent.Kind.APPEND;
                ev.entries = copy;
                ev.hardState = thenHardState;
                ev.sealKeyId = keyId;
                ev.future = future;
            } finally {
                ring.publish(seq);
            }
            acceptedLast = copy.get(copy.size() - 1).index();
        }
        return future;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code fromIndex} is at or below the recorded snapshot
     * @throws WalFailedException if the log is failed
     */
    @Override
    public void truncateSuffix(long fromIndex) {
        CompletableFuture<Void> future;
        synchronized (appendLock) {
            checkWritable();
            if (fromIndex <= acceptedSnapshotIndex || fromIndex < 1) {
                throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": at or below the snapshot at "
                        + acceptedSnapshotIndex);
            }
            if (fromIndex > acceptedLast) {
                return;
            }
            future = publish(WalEvent.Kind.TRUNCATE, fromIndex, null, null);
            acceptedLast = fromIndex - 1;
        }
        await(future);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the index is beyond the recorded snapshot
     * @throws StorageException if deleting a segment failed (the log stays usable)
     */
    @Override
    public void compact(long upToIndex) {
        CompletableFuture<Void> future;
        synchronized (appendLock) {
            checkWritable();
            if (upToIndex > acceptedSnapshotIndex) {
                throw new IllegalArgumentException("cannot compact up to " + upToIndex + ": the recorded snapshot is at "
                        + acceptedSnapshotIndex);
            }
            future = publish(WalEvent.Kind.COMPACT, upToIndex, null, null);
        }
        await(future);
    }

    /**
     * {@inheritDoc}
     *
     * @throws WalFailedException if the log is failed or the write fails
     */
    @Override
    public void setHardState(HardState hardState) {
        Objects.requireNonNull(hardState, "hardState");
        WalProto.checkEncodable(hardState);
        CompletableFuture<Void> future;
        synchronized (appendLock) {
            checkWritable();
            future = publish(WalEvent.Kind.HARD_STATE, 0, hardState, null);
        }
        await(future);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A token beyond the last entry replaces the log: afterwards {@code firstIndex()} is the
     * token's index + 1 and {@code lastIndex()} the token's index. A token within the log keeps it.
     *
     * @throws WalFailedException if the log is failed or the write fails
     */
    @Override
    public void setSnapshotToken(SnapshotToken token) {
        Objects.requireNonNull(token, "token");
        CompletableFuture<Void> future;
        synchronized (appendLock) {
            checkWritable();
            future = publish(WalEvent.Kind.SNAPSHOT_TOKEN, 0, null, token);
            acceptedSnapshotIndex = token.index();
            acceptedLast = Math.max(acceptedLast, token.index());
        }
        await(future);
    }

    /** Publishes a synchronous operation; caller holds appendLock. */
    private CompletableFuture<Void> publish(WalEvent.Kind kind, long index, HardState hs, SnapshotToken token) {
        WalFailedException failure = state.failure;
        if (failure != null) {
            throw failure;
        }
        CompletableFuture<Void> future = state.newFuture();
        long seq = ring.next();
        try {
            WalEvent ev = ring.get(seq);
            ev.kind = kind;
            ev.index = index;
            ev.hardState = hs;
            ev.token = token;
            ev.future = future;
        } finally {
            ring.publish(seq);
        }
        return future;
    }

    private void await(CompletableFuture<Void> future) {
        if (Thread.currentThread() == writerThread) {
            // A blocking call from an append callback would wait for the thread it is running on.
            throw new IllegalStateException("blocking WAL call from the WAL writer thread (an append future's callback); "
                    + "use an async callback");
        }
        try {
            future.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("WAL operation failed", c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the WAL writer", e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Lets the writer finish every accepted operation, stops its thread and closes every segment
     * file (and the directory when the builder opened it). Idempotent.
     */
    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (disruptor != null) {
                // Drains the ring: accepted operations still commit (or fail) before the thread stops.
                disruptor.shutdown();
                // shutdown() only asks the writer to stop; its onShutdown may still be running.
                // The segments close only once the thread is gone.
                awaitWriterExit();
            }
        } finally {
            closeSegments();
            if (ownsDirectory) {
                dir.close();
            }
        }
    }

    /** Waits for the writer thread to end, keeping (not acting on) an interrupt that comes meanwhile. */
    private void awaitWriterExit() {
        Thread t = writerThread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeSegments() {
        IOException first = null;
        for (Segment s : state.segments.values()) {
            try {
                s.file.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw new StorageException("closing WAL segments in " + dir.describe("") + " failed", first);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("log storage is closed");
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("log storage is closed");
        }
        if (readOnly) {
            throw new IllegalStateException("log storage was opened read-only");
        }
    }

    private static final class LoggingExceptionHandler implements ExceptionHandler<WalEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, WalEvent event) {
            LOG.error("event=wal_writer_unexpected_error sequence={} error=\"{}\"", sequence, ex.toString());
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("event=wal_writer_start_failed error=\"{}\"", ex.toString());
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("event=wal_writer_shutdown_failed error=\"{}\"", ex.toString());
        }
    }

    /**
     * Configures and opens a {@link SegmentedLogStorage}. Not thread-safe; use once.
     */
    public static final class Builder {
        private final Path path;
        private final StorageDirectory directory;
        private long segmentBytes = 64L * 1024 * 1024;
        private int maxBatchBytes = 1024 * 1024;
        private int maxBatchCount = 4096;
        private int ringSize = 1024;
        private Duration ackSpin = DEFAULT_ACK_SPIN;
        private boolean readOnly;
        private Sealer sealer;
        private WalListener listener;

        private Builder(Path path, StorageDirectory directory) {
            this.path = path;
            this.directory = directory;
        }

        /** @param bytes preallocated segment size, 4 KiB to 1 GiB (default 64 MiB) */
        public Builder segmentBytes(long bytes) {
            if (bytes < 4096 || bytes > (1L << 30)) {
                throw new IllegalArgumentException("segment size must be 4 KiB..1 GiB: " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        /** @param bytes buffered bytes after which a batch is written and forced (default 1 MiB) */
        public Builder maxBatchBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("batch byte cap must be >= 1024: " + bytes);
            }
            this.maxBatchBytes = bytes;
            return this;
        }

        /** @param count operations after which a batch is written and forced (default 4096) */
        public Builder maxBatchCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("batch count cap must be >= 1: " + count);
            }
            this.maxBatchCount = count;
            return this;
        }

        /** @param size ring slots, a power of two (default 1024) */
        public Builder ringSize(int size) {
            if (size < 1 || Integer.bitCount(size) != 1) {
                throw new IllegalArgumentException("ring size must be a power of two: " + size);
            }
            this.ringSize = size;
            return this;
        }

        /**
         * How long a thread waiting for an operation's future ({@code join()} or {@code get()})
         * may spin before it parks. Spinning spares the writer thread a wake-up per acknowledged
         * waiter, which at 16 concurrent writers on two cores was about a third of its time; the
         * spin yields the processor every few iterations. The spin actually used is about two
         * recent {@code force} times, and none when that exceeds this cap (a slow disk), so a waiter
         * never spins through most of its wait. Default 1 ms; {@link Duration#ZERO} always parks at
         * once (for a machine whose cores are needed by other work while appends wait).
         *
         * @param cap the most a waiter spins, 0 to 100 ms
         * @return this builder
         */
        public Builder ackSpin(Duration cap) {
            Objects.requireNonNull(cap, "cap");
            if (cap.isNegative() || cap.compareTo(MAX_ACK_SPIN) > 0) {
                throw new IllegalArgumentException("acknowledgement spin must be 0.." + MAX_ACK_SPIN.toMillis() + " ms: " + cap);
            }
            this.ackSpin = cap;
            return this;
        }

        /**
         * @param sealer seals entries after {@link SegmentedLogStorage#sealWith} and opens sealed ones;
         *     without one, reading a sealed entry is a {@link CryptoException}
         * @return this builder
         */
        public Builder sealer(Sealer sealer) {
            this.sealer = Objects.requireNonNull(sealer, "sealer");
            if (sealer.overhead() < 0 || sealer.overhead() > WalProto.MAX_SEAL_OVERHEAD) {
                throw new IllegalArgumentException("sealer overhead " + sealer.overhead() + " outside [0, "
                        + WalProto.MAX_SEAL_OVERHEAD + "]");
            }
            return this;
        }

        /**
         * @param l told of every durable batch, new segment, compaction and failure (metrics)
         * @return this builder
         */
        public Builder listener(WalListener l) {
            this.listener = Objects.requireNonNull(l, "l");
            return this;
        }

        /** @param readOnly open without changing any file; mutations throw {@link IllegalStateException} */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Recovers the log and, unless read-only, starts its writer thread.
         *
         * @return the open log storage
         * @throws WalCorruptionException if recovery finds anything but a torn tail
         * @throws StorageException if the directory cannot be read or the log cannot be started
         */
        public SegmentedLogStorage open() {
            if (directory != null) {
                return new SegmentedLogStorage(this, directory, false);
            }
            StorageDirectory dir;
            try {
                dir = new ChannelDirectory(path);
            } catch (IOException e) {
                throw new StorageException("cannot open WAL directory " + path, e);
            }
            return new SegmentedLogStorage(this, dir, true);
        }
    }
}
