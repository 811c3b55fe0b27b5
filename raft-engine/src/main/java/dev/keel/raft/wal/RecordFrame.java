package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.LogEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The frame around every WAL record (byte layout in {@code docs/wal-format.md}):
 *
 * <pre>
 *  0  u32 LE  body length
 *  4  u8      record type
 *  5  u8[3]   zero
 *  8  u32 LE  header CRC32C over bytes 0..7
 * 12  body    (Protobuf)
 *  .  u32 LE  record CRC32C over (previous record's CRC, LE) ++ bytes 0..12+len
 *  .  u32 LE  end mark 0x214C454B ("KEL!")
 * </pre>
 *
 * The header CRC makes a flipped length a detected error rather than a torn write; the chained
 * record CRC detects records moved, dropped or replayed from elsewhere; the end mark is written
 * last, so a write cut short leaves at least its final byte zero, which is how an incomplete
 * record is told from a complete one with a flipped bit.
 *
 * <p>{@link Scan} instances are mutable and confined to one thread; the static methods are
 * thread-safe.
 */
final class RecordFrame {
    static final int HEADER_BYTES = 12;
    static final int TRAILER_BYTES = 8;
    static final int OVERHEAD = HEADER_BYTES + TRAILER_BYTES;
    static final int END_MARK = 0x214C454B;
    static final int SECTOR_BYTES = 512;
    /** Largest body: a 32 MiB payload plus its Protobuf fields. */
    static final int MAX_BODY_BYTES = LogEntry.MAX_PAYLOAD_BYTES + 64;

    static final byte SEGMENT_HEADER = 1;
    static final byte ENTRY = 2;
    static final byte HARD_STATE = 3;
    static final byte SNAPSHOT_TOKEN = 4;
    static final byte TRUNCATE = 5;

    private RecordFrame() {
    }

    static boolean knownType(int type) {
        return type >= SEGMENT_HEADER && type <= TRUNCATE;
    }

    /**
     * Completes the record whose body was written into {@code out} from {@code start + HEADER_BYTES}
     * up to its position: fills in the header and appends CRC and end mark.
     *
     * @param out a little-endian, array-backed buffer
     * @return the record's CRC (the next record's chain input)
     */
    static int finish(ByteBuffer out, int start, byte type, int prevCrc, CRC32C crc) {
        int bodyLength = out.position() - start - HEADER_BYTES;
        out.putInt(start, bodyLength);
        out.put(start + 4, type);
        out.put(start + 5, (byte) 0).put(start + 6, (byte) 0).put(start + 7, (byte) 0);
        byte[] a = out.array();
        int base = out.arrayOffset();
        crc.reset();
        crc.update(a, base + start, 8);
        out.putInt(start + 8, (int) crc.getValue());
        int recordCrc = recordCrc(crc, prevCrc, a, base + start, HEADER_BYTES + bodyLength);
        out.putInt(recordCrc);
        out.putInt(END_MARK);
        return recordCrc;
    }

    static int recordCrc(CRC32C crc, int prevCrc, byte[] a, int off, int len) {
        crc.reset();
        crc.update(prevCrc);
        crc.update(prevCrc >>> 8);
        crc.update(prevCrc >>> 16);
        crc.update(prevCrc >>> 24);
        crc.update(a, off, len);
        return (int) crc.getValue();
    }

    static ByteBuffer newBuffer(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** What {@link #parse} found at an offset. */
    enum Status {
        /** A complete record whose checks passed. */
        OK,
        /** Zero bytes from here to the end of the data: the preallocated, unwritten rest. */
        END,
        /** A record failing a check; {@link Scan#torn} says whether SPEC's torn-write rule allows truncation. */
        BAD
    }

    /** The outcome of parsing one record; reused across calls. */
    static final class Scan {
        Status status;
        int type;
        int bodyOffset;
        int bodyLength;
        int crc;
        int end;
        boolean torn;
        String reason;

        private Scan bad(String why, boolean isTorn) {
            status = Status.BAD;
            reason = why;
            torn = isTorn;
            return this;
        }
    }

    /**
     * Parses the record at {@code off} of {@code data[0, len)} (the segment's bytes; bytes past
     * {@code len} are absent). For a bad record it also decides the torn-write question: the record
     * is incomplete (cut by the end of the file, or its header is bad / its end mark is zero while
     * everything after is zero) or it contains an all-zero aligned 512-byte sector, and every byte
     * after it is zero.
     */
    static Scan parse(byte[] data, int len, int off, int prevCrc, CRC32C crc, Scan s) {
        s.torn = false;
        s.reason = null;
        if (off + HEADER_BYTES > len) {
            if (isZero(data, off, len)) {
                s.status = Status.END;
                s.end = off;
                return s;
            }
            return s.bad("record header cut by the end of the file", true);
        }
        if (isZero(data, off, off + HEADER_BYTES)) {
            if (isZero(data, off + HEADER_BYTES, len)) {
                s.status = Status.END;
                s.end = off;
                return s;
            }
            return s.bad("zero record header followed by non-zero bytes", false);
        }
        crc.reset();
        crc.update(data, off, 8);
        int storedHeaderCrc = getInt(data, off + 8);
        if ((int) crc.getValue() != storedHeaderCrc) {
            return s.bad(String.format("header CRC32C mismatch (stored %08x, computed %08x)", storedHeaderCrc,
                    (int) crc.getValue()), isZero(data, off + HEADER_BYTES, len));
        }
        int bodyLength = getInt(data, off);
        int type = data[off + 4];
        if (bodyLength < 0 || bodyLength > MAX_BODY_BYTES) {
            return s.bad("record length " + Integer.toUnsignedString(bodyLength) + " exceeds the limit " + MAX_BODY_BYTES, false);
        }
        if (!knownType(type) || data[off + 5] != 0 || data[off + 6] != 0 || data[off + 7] != 0) {
            return s.bad("unknown record type " + type + " or non-zero reserved bytes", false);
        }
        long end = (long) off + HEADER_BYTES + bodyLength + TRAILER_BYTES;
        if (end > len) {
            return s.bad("record of " + bodyLength + " bytes cut by the end of the data at " + len, true);
        }
        int e = (int) end;
        int storedCrc = getInt(data, e - 8);
        int mark = getInt(data, e - 4);
        int computed = recordCrc(crc, prevCrc, data, off, HEADER_BYTES + bodyLength);
        if (computed != storedCrc || mark != END_MARK) {
            // A write cut short never delivers the record's last byte (the end mark's '!', never zero
            // in a complete record, and not zeroable by one flipped bit).
            boolean incomplete = data[e - 1] == 0 || containsZeroSector(data, off, e);
            return s.bad(String.format("record CRC32C mismatch or bad end mark (stored %08x, computed %08x, mark %08x)",
                    storedCrc, computed, mark), incomplete && isZero(data, e, len));
        }
        s.status = Status.OK;
        s.type = type;
        s.bodyOffset = off + HEADER_BYTES;
        s.bodyLength = bodyLength;
        s.crc = storedCrc;
        s.end = e;
        return s;
    }

    static int getInt(byte[] a, int i) {
        return (a[i] & 0xFF) | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16 | (a[i + 3] & 0xFF) << 24;
    }

    static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return one past the last non-zero byte of {@code a[0, len)}, 0 if all zero */
    static int dataEnd(byte[] a, int len) {
        int i = len;
        while (i > 0 && a[i - 1] == 0) {
            i--;
        }
        return i;
    }

    private static boolean containsZeroSector(byte[] a, int from, int to) {
        int s = (from + SECTOR_BYTES - 1) / SECTOR_BYTES * SECTOR_BYTES;
        for (; s + SECTOR_BYTES <= to; s += SECTOR_BYTES) {
            if (isZero(a, s, s + SECTOR_BYTES)) {
                return true;
            }
        }
        return false;
    }
}
