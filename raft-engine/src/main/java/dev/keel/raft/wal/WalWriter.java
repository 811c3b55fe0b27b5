package dev.keel.raft.wal;

import com.lmax.disruptor.EventHandler;
import dev.keel.raft.io.StorageDirectory;
import dev.keel.raft.io.StorageFile;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread of a WAL: encodes the operations of a ring batch into one buffer, writes
 * it with one call and forces once, then publishes the batch to readers and completes its futures.
 *
 * <p>A batch is committed at the ring's {@code endOfBatch}, when the buffer reaches the byte cap, or
 * when it holds the count cap of operations. Exactly one write precedes each force, so a power cut
 * can tear at most the last write. A segment is forced, its last record included, before the next
 * one is created. The first failed write or force puts the WAL in the failed state: the batch and
 * every later operation fail with {@link WalFailedException}.
 *
 * <p>Confined to the ring's processor thread, except {@link #createSegment}, which the opener calls
 * before the thread starts.
 */
final class WalWriter implements EventHandler<WalEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WalWriter.class);
    /** Head room in the batch buffer beyond the byte cap, so a typical last record still fits. */
    private static final int HEADER_RECORD_RESERVE = 1024;
    /** Added to two mean forces for a waiter's spin: the write, the completions and scheduling. */
    private static final long ACK_SPIN_MARGIN_NANOS = 50_000;

    private final StorageDirectory dir;
    private final WalState state;
    private final long segmentBytes;
    private final int maxBatchBytes;
    private final int maxBatchCount;
    private final CRC32C crc = new CRC32C();
    private final List<WalEvent> pending = new ArrayList<>();

    private ByteBuffer buf;
    private Segment active;
    private long capacity;
    private long writePos;
    private boolean unforced;
    /** Running mean of the force time, for {@link WalState#ackSpinNanos}; 0 before the first force. */
    private long meanForceNanos;
    private int chain;
    private int recordStart;

    // The tail as the records encoded so far leave it: what the next segment header must carry.
    private long tailLast;
    private HardState tailHardState;
    private SnapshotToken tailToken;

    WalWriter(StorageDirectory dir, WalState state, long segmentBytes, int maxBatchBytes, int maxBatchCount,
              WalRecovery.Recovered recovered) throws IOException {
        this.dir = dir;
        this.state = state;
        this.segmentBytes = segmentBytes;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchCount = maxBatchCount;
        this.buf = RecordFrame.newBuffer(maxBatchBytes + HEADER_RECORD_RESERVE);
        this.chain = recovered.chainCrc();
        this.tailLast = recovered.index().lastIndex();
        this.tailHardState = recovered.hardState();
        this.tailToken = recovered.snapshotToken();
        List<Segment> segments = recovered.segments();
        if (segments.isEmpty()) {
            // A new log: a random chain seed, so records from another log never verify in this one.
            this.chain = new java.security.SecureRandom().nextInt();
            createSegment(1, 0);
        } else if (recovered.writeOffset() < 0 || segments.get(segments.size() - 1).header.logId() == null) {
            // Also when the last segment predates log ids: new records go to a segment that carries one.
            createSegment(segments.get(segments.size() - 1).sequence + 1, 0);
        } else {
            Segment last = segments.get(segments.size() - 1);
            this.active = last;
            this.capacity = Math.max(last.file.size(), segmentBytes);
            this.writePos = recovered.writeOffset();
        }
    }

    @Override
    public void onEvent(WalEvent ev, long sequence, boolean endOfBatch) {
        WalFailedException failed = state.failure;
        if (failed != null) {
            ev.future.completeExceptionally(failed);
            ev.clear();
            return;
        }
        try {
            switch (ev.kind) {
                case APPEND -> encodeAppend(ev);
                case TRUNCATE -> {
                    if (ev.index <= tailLast) {
                        begin(WalProto.truncateSize(ev.index));
                        WalProto.writeTruncate(buf, ev.index);
                        finish(RecordFrame.TRUNCATE);
                        tailLast = ev.index - 1;
                        ev.wrote = true;
                    }
                }
                case HARD_STATE -> {
                    begin(WalProto.hardStateSize(ev.hardState));
                    WalProto.writeHardState(buf, ev.hardState);
                    finish(RecordFrame.HARD_STATE);
                    tailHardState = ev.hardState;
                    ev.wrote = true;
                }
                case SNAPSHOT_TOKEN -> {
                    begin(WalProto.snapshotTokenSize(ev.token));
                    WalProto.writeSnapshotToken(buf, ev.token);
                    finish(RecordFrame.SNAPSHOT_TOKEN);
                    tailToken = ev.token;
                    tailLast = Math.max(tailLast, ev.token.index());
                    ev.wrote = true;
                }
                case COMPACT -> {
                    commit();
                    compact(ev);
                    return;
                }
            }
            pending.add(ev);
            if (endOfBatch || buf.position() >= maxBatchBytes || pending.size() >= maxBatchCount) {
                commit();
            }
        } catch (IOException | RuntimeException e) {
            if (ev.future != null && !pending.contains(ev)) {
                pending.add(ev);
            }
            fail(e);
        }
    }

    private void encodeAppend(WalEvent ev) throws IOException {
        List<LogEntry> entries = ev.entries;
        ev.ensureSlots(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            int size = WalProto.entrySize(e, ev.sealKeyId);
            begin(size);
            WalProto.writeEntry(buf, e, ev.sealKeyId);
            if (ev.sealKeyId != 0) {
                active.keys.add(ev.sealKeyId);
            }
            ev.locations[i] = EntryIndex.location(active.sequence, (int) (writePos + recordStart));
            ev.prevCrcs[i] = chain;
            ev.bodyLengths[i] = size;
            finish(RecordFrame.ENTRY);
            tailLast = e.index();
        }
        if (ev.hardState != null) {
            begin(WalProto.hardStateSize(ev.hardState));
            WalProto.writeHardState(buf, ev.hardState);
            finish(RecordFrame.HARD_STATE);
            tailHardState = ev.hardState;
        }
        ev.wrote = true;
    }

    /** Reserves room for a record with a body of {@code bodySize} bytes, committing or rolling first if needed. */
    private void begin(int bodySize) throws IOException {
        int recordBytes = RecordFrame.OVERHEAD + bodySize;
        if (writePos + buf.position() + recordBytes > capacity) {
            commit();
            createSegment(active.sequence + 1, recordBytes);
        }
        if (buf.remaining() < recordBytes) {
            commit();
            if (buf.capacity() < recordBytes) {
                buf = RecordFrame.newBuffer(recordBytes);
            }
        }
        recordStart = buf.position();
        buf.position(recordStart + RecordFrame.HEADER_BYTES);
    }

    private void finish(byte type) {
        chain = RecordFrame.finish(buf, recordStart, type, chain, crc);
    }

    /**
     * Creates, preallocates and forces segment {@code sequence} with its header, then makes its
     * name durable. Called with the buffer empty and the previous segment forced.
     */
    void createSegment(long sequence, int firstRecordBytes) throws IOException {
        String name = Segment.fileName(sequence);
        WalProto.SegmentHeader header = new WalProto.SegmentHeader(sequence, chain, tailLast + 1, tailHardState,
                tailToken, state.headerSealCounts(), WalProto.FORMAT_VERSION, state.logId);
        byte[] body = WalProto.encodeSegmentHeader(header);
        // Room for the header and the record that did not fit in the previous segment, however large.
        long size = Math.max(segmentBytes, (long) RecordFrame.OVERHEAD + body.length + firstRecordBytes);
        StorageFile file = dir.open(name, StorageDirectory.OpenMode.CREATE_NEW);
        try {
            Segment.zeroFill(file, 0, size);
            ByteBuffer b = RecordFrame.newBuffer(body.length + RecordFrame.OVERHEAD);
            b.position(RecordFrame.HEADER_BYTES);
            b.put(body);
            // The header record chains from 0; its body carries the seed (the previous segment's last CRC).
            int headerCrc = RecordFrame.finish(b, 0, RecordFrame.SEGMENT_HEADER, 0, crc);
            b.flip();
            file.writeFully(b, 0);
            file.force(false);
            dir.forceDirectory();
            Segment segment = new Segment(sequence, file, header);
            state.segments.put(sequence, segment);
            active = segment;
            capacity = size;
            writePos = b.limit();
            chain = headerCrc;
            LOG.debug("event=wal_segment_created segment={} firstIndex={} bytes={}", dir.describe(name), header.firstIndex(), size);
            notify(() -> state.listener.segmentCreated(sequence));
        } catch (IOException | RuntimeException e) {
            WalRecovery.closeQuietly(file);
            throw e;
        }
    }

    /** Writes the buffer (one call), forces, publishes every pending operation and completes it. */
    private void commit() throws IOException {
        int written = 0;
        if (buf.position() > 0) {
            buf.flip();
            written = buf.remaining();
            active.file.writeFully(buf, writePos);
            writePos += written;
            buf.clear();
            unforced = true;
        }
        if (unforced) {
            long t0 = System.nanoTime();
            active.file.force(false);
            long forceNanos = System.nanoTime() - t0;
            unforced = false;
            updateAckSpin(forceNanos);
            reportBatch(written, forceNanos);
        }
        if (pending.isEmpty()) {
            return;
        }
        state.lock.writeLock().lock();
        try {
            EntryIndex index = state.index;
            for (WalEvent ev : pending) {
                if (!ev.wrote) {
                    continue;
                }
                switch (ev.kind) {
                    case APPEND -> {
                        for (int i = 0; i < ev.entries.size(); i++) {
                            LogEntry e = ev.entries.get(i);
                            index.put(e.index(), e.term(), ev.locations[i], ev.prevCrcs[i], ev.bodyLengths[i]);
                        }
                        if (ev.hardState != null) {
                            state.hardState = ev.hardState;
                        }
                    }
                    case TRUNCATE -> index.truncateFrom(ev.index);
                    case HARD_STATE -> state.hardState = ev.hardState;
                    case SNAPSHOT_TOKEN -> {
                        state.snapshotToken = ev.token;
                        index.applySnapshot(ev.token.index());
                    }
                    case COMPACT -> throw new IllegalStateException("compaction is never pending");
                }
            }
        } finally {
            state.lock.writeLock().unlock();
        }
        for (WalEvent ev : pending) {
            CompletableFuture<Void> f = ev.future;
            ev.clear();
            f.complete(null);
        }
        pending.clear();
    }

    /** Folds a force time into the running mean (weight 1/8) and sets the waiters' spin from it. */
    private void updateAckSpin(long forceNanos) {
        long cap = state.ackSpinCapNanos;
        if (cap == 0) {
            return;
        }
        meanForceNanos = meanForceNanos == 0 ? forceNanos : meanForceNanos + (forceNanos - meanForceNanos) / 8;
        long want = 2 * meanForceNanos + ACK_SPIN_MARGIN_NANOS;
        state.ackSpinNanos = want <= cap ? want : 0;
    }

    private void reportBatch(int bytes, long forceNanos) {
        int records = 0;
        int entries = 0;
        for (WalEvent ev : pending) {
            if (ev.wrote) {
                int n = ev.kind == WalEvent.Kind.APPEND ? ev.entries.size() + (ev.hardState != null ? 1 : 0) : 1;
                records += n;
                entries += ev.kind == WalEvent.Kind.APPEND ? ev.entries.size() : 0;
            }
        }
        int r = records;
        int n = entries;
        notify(() -> state.listener.batchCommitted(r, n, bytes, forceNanos));
    }

    private void compact(WalEvent ev) {
        CompletableFuture<Void> f = ev.future;
        long upTo = ev.index;
        ev.clear();
        List<Segment> deleted = new ArrayList<>();
        state.lock.writeLock().lock();
        try {
            for (Segment s : state.segments.values()) {
                // Never the active segment; otherwise whole segments whose live entries are all <= upTo.
                if (s.sequence >= active.sequence || state.index.firstIndexFromSegment(s.sequence + 1) - 1 > upTo) {
                    break;
                }
                // Oldest first: a crash part-way leaves a suffix of segments, which still verifies.
                WalRecovery.closeQuietly(s.file);
                dir.delete(s.file.name());
                state.segments.remove(s.sequence);
                deleted.add(s);
            }
            if (!deleted.isEmpty()) {
                dir.forceDirectory();
                state.index.dropSegmentsBefore(deleted.get(deleted.size() - 1).sequence + 1);
                int count = deleted.size();
                notify(() -> state.listener.segmentsCompacted(count));
                LOG.info("event=wal_compacted upTo={} segmentsDeleted={} firstIndex={}", upTo, deleted.size(),
                        state.index.firstIndex());
            }
            f.complete(null);
        } catch (IOException | RuntimeException e) {
            if (!deleted.isEmpty()) {
                state.index.dropSegmentsBefore(deleted.get(deleted.size() - 1).sequence + 1);
            }
            // Not fatal for the log: what is left is a consistent suffix and appends are unaffected.
            f.completeExceptionally(new StorageException("WAL compaction up to " + upTo + " failed after deleting "
                    + deleted.size() + " segment(s) in " + dir.describe(""), e));
        } finally {
            state.lock.writeLock().unlock();
        }
    }

    /** A listener's failure is logged, never allowed to fail the log. */
    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("event=wal_listener_failed error=\"{}\"", e.toString());
        }
    }

    private void fail(Throwable cause) {
        String where = active == null ? dir.describe("") : dir.describe(active.file.name());
        WalFailedException failure = new WalFailedException("WAL write or force failed on " + where
                + " near offset " + writePos + "; nothing in the failed batch was acknowledged", cause);
        state.failure = failure;
        notify(() -> state.listener.failed(failure));
        LOG.error("event=wal_failed segment={} offset={} pending={} error=\"{}\"", where, writePos, pending.size(), cause.toString());
        for (WalEvent ev : pending) {
            CompletableFuture<Void> f = ev.future;
            ev.clear();
            f.completeExceptionally(failure);
        }
        pending.clear();
        buf.clear();
    }

    /** Called on the writer thread when the ring shuts down: commits anything left. */
    @Override
    public void onShutdown() {
        if (state.failure == null && (!pending.isEmpty() || buf.position() > 0)) {
            try {
                commit();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }
}
