package dev.keel.raft.wal;

import dev.keel.raft.io.StorageDirectory;
import dev.keel.raft.io.StorageFile;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.WalCorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a WAL directory and replays it, top to bottom: list the segments, check their sequence
 * numbers are consecutive, then for each segment verify its header against the state replayed so
 * far and replay its records. The only repair is SPEC's torn-tail rule (last segment only); every
 * other failed check is a {@link WalCorruptionException} and nothing opens. A read-only recovery
 * never changes a file.
 *
 * <p>Single use, single thread.
 */
final class WalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

    /**
     * What recovery found: open segments (oldest first), the replayed state and where writing
     * resumes in the last segment (-1: start a new segment, the last one was never finished).
     */
    record Recovered(List<Segment> segments, EntryIndex index, HardState hardState, SnapshotToken snapshotToken,
                     int chainCrc, long writeOffset, long tornBytes, byte[] logId, Map<Integer, Long> sealCounts) {
    }

    private final StorageDirectory dir;
    private final boolean readOnly;
    private final long segmentBytes;
    private final CRC32C crc = new CRC32C();
    private final RecordFrame.Scan scan = new RecordFrame.Scan();
    private final WalVisitor visitor;
    private byte[] buf = new byte[0];
    private long tornBytes;

    WalRecovery(StorageDirectory dir, boolean readOnly, long segmentBytes) {
        this(dir, readOnly, segmentBytes, new WalVisitor() { });
    }

    /** @param visitor told of every segment header and record as it passes its checks */
    WalRecovery(StorageDirectory dir, boolean readOnly, long segmentBytes, WalVisitor visitor) {
        this.dir = dir;
        this.readOnly = readOnly;
        this.segmentBytes = segmentBytes;
        this.visitor = Objects.requireNonNull(visitor, "visitor");
    }

    /** @return the recovered log; {@code segments} is empty for a new (or never-started) log */
    Recovered recover() {
        List<Long> sequences = listSegments();
        List<Segment> open = new ArrayList<>();
        List<StorageFile> opened = new ArrayList<>();
        boolean done = false;
        try {
            EntryIndex index = new EntryIndex(0);
            HardState hs = HardState.EMPTY;
            SnapshotToken token = null;
            int chain = 0;
            long writeOffset = 0;
            byte[] logId = null;
            Map<Integer, Long> seals = new TreeMap<>();
            for (int k = 0; k < sequences.size(); k++) {
                long seq = sequences.get(k);
                boolean last = k == sequences.size() - 1;
                String name = Segment.fileName(seq);
                StorageFile file = dir.open(name, last && !readOnly ? StorageDirectory.OpenMode.WRITE : StorageDirectory.OpenMode.READ);
                opened.add(file);
                int len = readAll(file, name);

                RecordFrame.Scan s = RecordFrame.parse(buf, len, 0, 0, crc, scan);
                if (s.status != RecordFrame.Status.OK || s.type != RecordFrame.SEGMENT_HEADER) {
                    boolean unfinished = last && (s.status == RecordFrame.Status.END || s.torn);
                    if (!unfinished) {
                        throw corrupt(name, 0, "no valid segment header: "
                                + (s.status == RecordFrame.Status.OK ? "first record has type " + s.type : s.reason));
                    }
                    // The segment's creation never completed (its header was not forced), so it holds
                    // nothing acknowledged: the previous segment was forced before this one was begun.
                    opened.remove(file);
                    discardUnfinished(file, name);
                    writeOffset = -1;
                    break;
                }
                WalProto.SegmentHeader header = decode(name, 0, () -> WalProto.readSegmentHeader(body(scan)));
                if (header.sequence() != seq) {
                    throw corrupt(name, 0, "header sequence " + header.sequence() + " does not match the file name's " + seq);
                }
                if (k == 0) {
                    index = new EntryIndex(header.firstIndex() - 1);
                    hs = header.hardState();
                    token = header.snapshotToken();
                } else {
                    String mismatch = headerMismatch(header, chain, index.lastIndex() + 1, hs, token);
                    if (mismatch != null) {
                        throw corrupt(name, 0, "segment header does not continue the previous segment: " + mismatch);
                    }
                }
                byte[] segmentLogId = header.logId();
                if (segmentLogId != null) {
                    if (logId != null && !Arrays.equals(logId, segmentLogId)) {
                        throw corrupt(name, 0, "segment belongs to another log (its log id differs from the previous segment's)");
                    }
                    logId = segmentLogId;
                }
                // Each header carries the counts when it was begun; the last one's plus the seals after it are current.
                seals = new TreeMap<>(header.sealCounts());
                Segment segment = new Segment(seq, file, header);
                open.add(segment);
                visitor.segment(path(name), seq, header.firstIndex(), header.chainSeed(), header.hardState(),
                        java.util.Optional.ofNullable(header.snapshotToken()), header.sealCounts());
                chain = s.crc;
                int off = s.end;
                while (true) {
                    s = RecordFrame.parse(buf, len, off, chain, crc, scan);
                    if (s.status == RecordFrame.Status.END) {
                        break;
                    }
                    if (s.status == RecordFrame.Status.BAD) {
                        if (last && s.torn) {
                            repairTornTail(file, name, off, len);
                            visitor.tornTail(path(name), off, tornBytes);
                            break;
                        }
                        throw corrupt(name, off, s.reason + (last ? "" : " (not in the last segment, so not a torn write)"));
                    }
                    long snapshotIndex = token == null ? 0 : token.index();
                    int at = off;
                    switch (s.type) {
                        case RecordFrame.ENTRY -> {
                            WalProto.StoredEntry stored = decode(name, at, () -> WalProto.readStoredEntry(body(scan)));
                            LogEntry e = stored.entry();
                            if (stored.keyId() != 0) {
                                if (segmentLogId == null) {
                                    throw corrupt(name, at, "sealed entry " + e.index() + " in a segment without a log id");
                                }
                                seals.merge(stored.keyId(), 1L, Long::sum);
                                segment.keys.add(stored.keyId());
                            }
                            if (e.index() > index.lastIndex() + 1 || e.index() <= snapshotIndex) {
                                throw corrupt(name, at, "entry " + e.index() + " does not follow the log (last index "
                                        + index.lastIndex() + ", snapshot index " + snapshotIndex + ")");
                            }
                            index.put(e.index(), e.term(), EntryIndex.location(seq, at), chain, s.bodyLength);
                            visitor.entry(path(name), at, e.index(), e.term(), e.type(), e.payloadLength(), stored.keyId());
                        }
                        case RecordFrame.HARD_STATE -> {
                            hs = decode(name, at, () -> WalProto.readHardState(body(scan)));
                            visitor.hardState(path(name), at, hs);
                        }
                        case RecordFrame.SNAPSHOT_TOKEN -> {
                            token = decode(name, at, () -> WalProto.readSnapshotToken(body(scan)));
                            index.applySnapshot(token.index());
                            visitor.snapshotToken(path(name), at, token);
                        }
                        case RecordFrame.TRUNCATE -> {
                            long from = decode(name, at, () -> WalProto.readTruncate(body(scan)));
                            if (from <= snapshotIndex) {
                                throw corrupt(name, at, "truncation from " + from + " at or below snapshot index " + snapshotIndex);
                            }
                            index.truncateFrom(from);
                            visitor.truncation(path(name), at, from);
                        }
                        default -> throw corrupt(name, at, "record type " + s.type + " after the segment header");
                    }
                    chain = s.crc;
                    off = s.end;
                }
                writeOffset = off;
                if (last && !readOnly && len < segmentBytes) {
                    // A file shorter than a preallocated segment (cut by an outside tool): restore its
                    // preallocation so later forces need no metadata update.
                    Segment.zeroFill(file, len, segmentBytes);
                }
            }
            done = true;
            return new Recovered(List.copyOf(open), index, hs, token, chain, writeOffset, tornBytes, logId, Map.copyOf(seals));
        } catch (IOException e) {
            throw new StorageException("cannot recover the WAL in " + dir.describe(""), e);
        } finally {
            if (!done) {
                for (StorageFile file : opened) {
                    closeQuietly(file);
                }
            }
        }
    }

    private List<Long> listSegments() {
        List<Long> sequences = new ArrayList<>();
        try {
            for (String name : dir.list()) {
                long seq = Segment.parseName(name);
                if (seq > 0) {
                    sequences.add(seq);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list the WAL directory " + dir.describe(""), e);
        }
        sequences.sort(null);
        for (int i = 1; i < sequences.size(); i++) {
            if (sequences.get(i) != sequences.get(i - 1) + 1) {
                throw corrupt(Segment.fileName(sequences.get(i)), -1, "segment gap: sequence " + sequences.get(i - 1)
                        + " is followed by " + sequences.get(i));
            }
        }
        return sequences;
    }

    private int readAll(StorageFile file, String name) throws IOException {
        long size = file.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw corrupt(name, -1, "segment of " + size + " bytes exceeds the 2 GiB limit");
        }
        int len = (int) size;
        if (buf.length < len) {
            buf = new byte[len];
        }
        ByteBuffer dst = ByteBuffer.wrap(buf, 0, len);
        if (!file.readFully(dst, 0)) {
            len = dst.position();
        }
        return len;
    }

    private void repairTornTail(StorageFile file, String name, int off, int len) throws IOException {
        int dataEnd = RecordFrame.dataEnd(buf, len);
        long torn = Math.max(0, dataEnd - off);
        tornBytes = torn;
        if (readOnly) {
            LOG.warn("event=wal_torn_tail_ignored segment={} offset={} bytes={} reason=\"{}\" readOnly=true",
                    dir.describe(name), off, torn, scan.reason);
            return;
        }
        LOG.warn("event=wal_torn_tail_truncated segment={} offset={} bytes={} reason=\"{}\"",
                dir.describe(name), off, torn, scan.reason);
        // Cut, then zero-fill back to the preallocated length, so the bytes after the last good
        // record read as unwritten space again.
        long size = Math.max(len, segmentBytes);
        file.truncate(off);
        file.force(true);
        Segment.zeroFill(file, off, size);
    }

    private void discardUnfinished(StorageFile file, String name) throws IOException {
        if (readOnly) {
            LOG.warn("event=wal_unfinished_segment_ignored segment={} readOnly=true", dir.describe(name));
            file.close();
            return;
        }
        LOG.warn("event=wal_unfinished_segment_deleted segment={}", dir.describe(name));
        file.close();
        dir.delete(name);
        dir.forceDirectory();
    }

    private static String headerMismatch(WalProto.SegmentHeader h, int chain, long firstIndex, HardState hs, SnapshotToken token) {
        if (h.chainSeed() != chain) {
            return String.format("chain seed %08x, previous record CRC %08x", h.chainSeed(), chain);
        }
        if (h.firstIndex() != firstIndex) {
            return "first index " + h.firstIndex() + ", expected " + firstIndex;
        }
        if (!h.hardState().equals(hs)) {
            return "hard state " + h.hardState() + ", expected " + hs;
        }
        if (!Objects.equals(h.snapshotToken(), token)) {
            return "snapshot token " + h.snapshotToken() + ", expected " + token;
        }
        return null;
    }

    private ByteBuffer body(RecordFrame.Scan s) {
        return ByteBuffer.wrap(buf, s.bodyOffset, s.bodyLength).slice();
    }

    private interface Decoder<T> {
        T decode();
    }

    private <T> T decode(String name, long offset, Decoder<T> decoder) {
        try {
            return decoder.decode();
        } catch (IllegalArgumentException e) {
            throw new WalCorruptionException(path(name), offset, "record passed its CRC but does not decode: " + e.getMessage());
        }
    }

    private WalCorruptionException corrupt(String name, long offset, String message) {
        return new WalCorruptionException(path(name), offset, message);
    }

    private Path path(String name) {
        return Path.of(dir.describe(name));
    }

    static void closeQuietly(StorageFile file) {
        try {
            file.close();
        } catch (IOException e) {
            LOG.warn("event=wal_close_failed file={} error=\"{}\"", file.name(), e.toString());
        }
    }
}
