package dev.keel.raft.wal;

import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Protobuf (proto3 wire format) bodies of WAL records, written by hand so the WAL needs neither
 * protoc nor the protobuf-java runtime. The messages, with their field numbers, are listed in
 * {@code docs/wal-format.md}; a {@code protoc}-generated parser reads these bytes unchanged.
 *
 * <p>Encoders follow proto3: fields in number order, zero values omitted. Decoders accept fields in
 * any order (last one wins) and skip unknown fields, but reject truncated or over-long varints,
 * lengths beyond the remaining bytes (before allocating anything), wire types 3 and 4 (groups),
 * and values outside the API records' ranges; every rejection is an
 * {@link IllegalArgumentException}, which the WAL reports as corruption with file and offset.
 *
 * <p>Stateless; thread-safe.
 */
final class WalProto {
    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LEN = 2;
    static final int WIRE_FIXED32 = 5;

    /** Current segment-header format version (field 7 of SegmentHeader). */
    static final int FORMAT_VERSION = 1;

    private WalProto() {
    }

    /** The decoded body of a segment-header record. */
    record SegmentHeader(long sequence, int chainSeed, long firstIndex, HardState hardState,
                         SnapshotToken snapshotToken, Map<Integer, Long> sealCounts, int formatVersion, byte[] logId) {
        SegmentHeader {
            if (logId != null && logId.length != LOG_ID_BYTES) {
                throw new IllegalArgumentException("log id must be " + LOG_ID_BYTES + " bytes: " + logId.length);
            }
        }

        /** @return the log id, or null for a segment written before log ids existed */
        @Override
        public byte[] logId() {
            return logId == null ? null : logId.clone();
        }
    }

    /**
     * An entry record as stored: the entry (with a sealed box as its payload when {@code keyId > 0})
     * and the key it is sealed with (0 for a cleartext entry).
     */
    record StoredEntry(LogEntry entry, int keyId) {
    }

    /** Length of a log id (field 8 of the segment header). */
    static final int LOG_ID_BYTES = 16;
    /** Largest sealer overhead a sealed entry may add to the payload limit. */
    static final int MAX_SEAL_OVERHEAD = 64;

    // ---------------------------------------------------------------- sizes

    static int varintSize(long v) {
        return v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 6) / 7;
    }

    private static int uint64FieldSize(long v) {
        return v == 0 ? 0 : 1 + varintSize(v);
    }

    private static int lenFieldSize(int len) {
        return 1 + varintSize(len) + len;
    }

    static int entrySize(LogEntry e) {
        return entrySize(e, 0);
    }

    static void writeEntry(ByteBuffer out, LogEntry e) {
        writeEntry(out, e, 0);
    }

    static int entrySize(LogEntry e, int keyId) {
        int n = uint64FieldSize(e.index()) + uint64FieldSize(e.term()) + uint64FieldSize(e.type().ordinal())
                + uint64FieldSize(Integer.toUnsignedLong(keyId));
        int p = e.payloadLength();
        return p == 0 ? n : n + lenFieldSize(p);
    }

    static int hardStateSize(HardState hs) {
        int vote = utf8Length(hs.votedFor());
        return uint64FieldSize(hs.term()) + (vote == 0 ? 0 : lenFieldSize(vote)) + uint64FieldSize(hs.commitIndex());
    }

    static int snapshotTokenSize(SnapshotToken t) {
        return uint64FieldSize(t.index()) + uint64FieldSize(t.term()) + uint64FieldSize(t.fileLength())
                + (t.footerCrc32c() == 0 ? 0 : 5) + (t.headerCrc32c() == 0 ? 0 : 5);
    }

    static int truncateSize(long fromIndex) {
        return uint64FieldSize(fromIndex);
    }

    // ---------------------------------------------------------------- encoders

    static void writeEntry(ByteBuffer out, LogEntry e, int keyId) {
        writeUint64Field(out, 1, e.index());
        writeUint64Field(out, 2, e.term());
        writeUint64Field(out, 3, e.type().ordinal());
        if (e.payloadLength() > 0) {
            writeTag(out, 4, WIRE_LEN);
            writeVarint(out, e.payloadLength());
            // LogEntry only hands out copies of its payload; see the report on storage-api.
            out.put(e.payload());
        }
        writeUint64Field(out, 5, Integer.toUnsignedLong(keyId));
    }

    static void writeHardState(ByteBuffer out, HardState hs) {
        writeUint64Field(out, 1, hs.term());
        if (!hs.votedFor().isEmpty()) {
            byte[] vote = hs.votedFor().getBytes(StandardCharsets.UTF_8);
            writeTag(out, 2, WIRE_LEN);
            writeVarint(out, vote.length);
            out.put(vote);
        }
        writeUint64Field(out, 3, hs.commitIndex());
    }

    static void writeSnapshotToken(ByteBuffer out, SnapshotToken t) {
        writeUint64Field(out, 1, t.index());
        writeUint64Field(out, 2, t.term());
        writeUint64Field(out, 3, t.fileLength());
        writeFixed32Field(out, 4, t.footerCrc32c());
        writeFixed32Field(out, 5, t.headerCrc32c());
    }

    static void writeTruncate(ByteBuffer out, long fromIndex) {
        writeUint64Field(out, 1, fromIndex);
    }

    static byte[] encodeSegmentHeader(SegmentHeader h) {
        ByteBuffer out = ByteBuffer.allocate(segmentHeaderSize(h));
        writeUint64Field(out, 1, h.sequence());
        writeFixed32Field(out, 2, h.chainSeed());
        writeUint64Field(out, 3, h.firstIndex());
        int hsSize = hardStateSize(h.hardState());
        writeTag(out, 4, WIRE_LEN);
        writeVarint(out, hsSize);
        writeHardState(out, h.hardState());
        if (h.snapshotToken() != null) {
            writeTag(out, 5, WIRE_LEN);
            writeVarint(out, snapshotTokenSize(h.snapshotToken()));
            writeSnapshotToken(out, h.snapshotToken());
        }
        for (Map.Entry<Integer, Long> seal : h.sealCounts().entrySet()) {
            writeTag(out, 6, WIRE_LEN);
            writeVarint(out, sealCountSize(seal.getKey(), seal.getValue()));
            writeUint64Field(out, 1, Integer.toUnsignedLong(seal.getKey()));
            writeUint64Field(out, 2, seal.getValue());
        }
        writeUint64Field(out, 7, h.formatVersion());
        if (h.logId != null) {
            writeTag(out, 8, WIRE_LEN);
            writeVarint(out, LOG_ID_BYTES);
            out.put(h.logId);
        }
        if (out.hasRemaining()) {
            throw new IllegalStateException("segment header size miscounted by " + out.remaining());
        }
        return out.array();
    }

    private static int segmentHeaderSize(SegmentHeader h) {
        int n = uint64FieldSize(h.sequence()) + (h.chainSeed() == 0 ? 0 : 5) + uint64FieldSize(h.firstIndex())
                + lenFieldSize(hardStateSize(h.hardState())) + uint64FieldSize(h.formatVersion())
                + (h.logId == null ? 0 : lenFieldSize(LOG_ID_BYTES));
        if (h.snapshotToken() != null) {
            n += lenFieldSize(snapshotTokenSize(h.snapshotToken()));
        }
        for (Map.Entry<Integer, Long> seal : h.sealCounts().entrySet()) {
            n += lenFieldSize(sealCountSize(seal.getKey(), seal.getValue()));
        }
        return n;
    }

    private static int sealCountSize(int keyId, long count) {
        return uint64FieldSize(Integer.toUnsignedLong(keyId)) + uint64FieldSize(count);
    }

    private static void writeTag(ByteBuffer out, int field, int wire) {
        writeVarint(out, ((long) field << 3) | wire);
    }

    private static void writeUint64Field(ByteBuffer out, int field, long v) {
        if (v != 0) {
            writeTag(out, field, WIRE_VARINT);
            writeVarint(out, v);
        }
    }

    private static void writeFixed32Field(ByteBuffer out, int field, int v) {
        if (v != 0) {
            writeTag(out, field, WIRE_FIXED32);
            out.put((byte) v).put((byte) (v >>> 8)).put((byte) (v >>> 16)).put((byte) (v >>> 24));
        }
    }

    static void writeVarint(ByteBuffer out, long v) {
        long rest = v;
        while ((rest & ~0x7FL) != 0) {
            out.put((byte) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.put((byte) rest);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3; // a lone surrogate becomes '?' (1 byte) in getBytes; handled by the caller's check
            }
        }
        return n;
    }

    /**
     * @throws IllegalArgumentException if the vote does not encode to UTF-8 losslessly (lone
     *     surrogates), because the size computed before writing would be wrong
     */
    static void checkEncodable(HardState hs) {
        String v = hs.votedFor();
        if (v.getBytes(StandardCharsets.UTF_8).length != utf8Length(v)) {
            throw new IllegalArgumentException("votedFor is not valid UTF-16 (lone surrogate): " + v);
        }
    }

    // ---------------------------------------------------------------- decoders

    /** @return the entry as stored (a sealed entry's payload is its box); see {@link #readStoredEntry} */
    static LogEntry readEntry(ByteBuffer in) {
        return readStoredEntry(in).entry();
    }

    static StoredEntry readStoredEntry(ByteBuffer in) {
        long index = 0;
        long term = 0;
        long type = 0;
        long keyId = 0;
        byte[] payload = EMPTY;
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = field(tag);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_VARINT) {
                index = readVarint(in);
            } else if (field == 2 && wire == WIRE_VARINT) {
                term = readVarint(in);
            } else if (field == 3 && wire == WIRE_VARINT) {
                type = readVarint(in);
            } else if (field == 4 && wire == WIRE_LEN) {
                payload = readBytes(in, LogEntry.MAX_PAYLOAD_BYTES + MAX_SEAL_OVERHEAD);
            } else if (field == 5 && wire == WIRE_VARINT) {
                keyId = readVarint(in);
            } else {
                skip(in, field, wire);
            }
        }
        if (type < 0 || type >= LogEntry.Type.values().length) {
            throw new IllegalArgumentException("unknown entry type " + type);
        }
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("entry index and term must be >= 1: " + index + "/" + term);
        }
        if (keyId < 0 || keyId > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("entry key id out of range: " + keyId);
        }
        if (keyId == 0 && payload.length > LogEntry.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("cleartext payload of " + payload.length + " bytes exceeds "
                    + LogEntry.MAX_PAYLOAD_BYTES);
        }
        return new StoredEntry(new LogEntry(index, term, LogEntry.Type.values()[(int) type], payload), (int) keyId);
    }

    static HardState readHardState(ByteBuffer in) {
        long term = 0;
        long commit = 0;
        String vote = HardState.NO_VOTE;
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = field(tag);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_VARINT) {
                term = readVarint(in);
            } else if (field == 2 && wire == WIRE_LEN) {
                vote = readUtf8(in);
            } else if (field == 3 && wire == WIRE_VARINT) {
                commit = readVarint(in);
            } else {
                skip(in, field, wire);
            }
        }
        if (term < 0 || commit < 0) {
            throw new IllegalArgumentException("hard state term/commit out of range: " + term + "/" + commit);
        }
        return new HardState(term, vote, commit);
    }

    static SnapshotToken readSnapshotToken(ByteBuffer in) {
        long index = 0;
        long term = 0;
        long length = 0;
        int footer = 0;
        int header = 0;
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = field(tag);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_VARINT) {
                index = readVarint(in);
            } else if (field == 2 && wire == WIRE_VARINT) {
                term = readVarint(in);
            } else if (field == 3 && wire == WIRE_VARINT) {
                length = readVarint(in);
            } else if (field == 4 && wire == WIRE_FIXED32) {
                footer = readFixed32(in);
            } else if (field == 5 && wire == WIRE_FIXED32) {
                header = readFixed32(in);
            } else {
                skip(in, field, wire);
            }
        }
        if (index < 1 || term < 1 || length < 0) {
            throw new IllegalArgumentException("snapshot token out of range: index " + index + ", term " + term
                    + ", length " + length);
        }
        return new SnapshotToken(index, term, length, footer, header);
    }

    static long readTruncate(ByteBuffer in) {
        long from = 0;
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = field(tag);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_VARINT) {
                from = readVarint(in);
            } else {
                skip(in, field, wire);
            }
        }
        if (from < 1) {
            throw new IllegalArgumentException("truncation index must be >= 1: " + from);
        }
        return from;
    }

    static SegmentHeader readSegmentHeader(ByteBuffer in) {
        long sequence = 0;
        int seed = 0;
        long first = 0;
        HardState hs = HardState.EMPTY;
        SnapshotToken token = null;
        Map<Integer, Long> seals = new TreeMap<>();
        long version = 0;
        byte[] logId = null;
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = field(tag);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == WIRE_VARINT) {
                sequence = readVarint(in);
            } else if (field == 2 && wire == WIRE_FIXED32) {
                seed = readFixed32(in);
            } else if (field == 3 && wire == WIRE_VARINT) {
                first = readVarint(in);
            } else if (field == 4 && wire == WIRE_LEN) {
                hs = readHardState(slice(in));
            } else if (field == 5 && wire == WIRE_LEN) {
                token = readSnapshotToken(slice(in));
            } else if (field == 6 && wire == WIRE_LEN) {
                ByteBuffer seal = slice(in);
                long key = -1;
                long count = 0;
                while (seal.hasRemaining()) {
                    long t = readVarint(seal);
                    if (field(t) == 1 && (t & 7) == WIRE_VARINT) {
                        key = readVarint(seal);
                    } else if (field(t) == 2 && (t & 7) == WIRE_VARINT) {
                        count = readVarint(seal);
                    } else {
                        skip(seal, field(t), (int) (t & 7));
                    }
                }
                if (key < 0 || key > 0xFFFF_FFFFL || count < 0) {
                    throw new IllegalArgumentException("seal count out of range: key " + key + ", count " + count);
                }
                seals.put((int) key, count);
            } else if (field == 7 && wire == WIRE_VARINT) {
                version = readVarint(in);
            } else if (field == 8 && wire == WIRE_LEN) {
                logId = readBytes(in, LOG_ID_BYTES);
                if (logId.length != LOG_ID_BYTES) {
                    throw new IllegalArgumentException("log id of " + logId.length + " bytes, expected " + LOG_ID_BYTES);
                }
            } else {
                skip(in, field, wire);
            }
        }
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported WAL format version " + version + " (expected " + FORMAT_VERSION + ")");
        }
        if (sequence < 1 || sequence > Integer.MAX_VALUE || first < 1) {
            throw new IllegalArgumentException("segment header out of range: sequence " + sequence + ", first index " + first);
        }
        return new SegmentHeader(sequence, seed, first, hs, token, Map.copyOf(seals), (int) version, logId);
    }

    // ---------------------------------------------------------------- primitives

    private static final byte[] EMPTY = new byte[0];

    private static int field(long tag) {
        long f = tag >>> 3;
        if (f < 1 || f > 0x1FFF_FFFFL) {
            throw new IllegalArgumentException("invalid field number " + f);
        }
        return (int) f;
    }

    static long readVarint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte b = in.get();
            if (shift == 63 && (b & 0xFE) != 0) {
                throw new IllegalArgumentException("varint overflows 64 bits");
            }
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static int readFixed32(ByteBuffer in) {
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("truncated fixed32");
        }
        return (in.get() & 0xFF) | (in.get() & 0xFF) << 8 | (in.get() & 0xFF) << 16 | (in.get() & 0xFF) << 24;
    }

    private static int readLength(ByteBuffer in, int limit) {
        long len = readVarint(in);
        // Checked against the bytes actually present before anything is allocated, so a crafted
        // length cannot ask for more memory than the record already occupies.
        if (len < 0 || len > in.remaining() || len > limit) {
            throw new IllegalArgumentException("length " + len + " exceeds the " + in.remaining()
                    + " remaining bytes (limit " + limit + ")");
        }
        return (int) len;
    }

    private static byte[] readBytes(ByteBuffer in, int limit) {
        byte[] b = new byte[readLength(in, limit)];
        in.get(b);
        return b;
    }

    private static ByteBuffer slice(ByteBuffer in) {
        int len = readLength(in, Integer.MAX_VALUE);
        ByteBuffer s = in.slice(in.position(), len);
        in.position(in.position() + len);
        return s;
    }

    private static String readUtf8(ByteBuffer in) {
        ByteBuffer s = slice(in);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(s).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string field is not UTF-8", e);
        }
    }

    private static void skip(ByteBuffer in, int field, int wire) {
        switch (wire) {
            case WIRE_VARINT -> readVarint(in);
            case WIRE_FIXED64 -> advance(in, 8);
            case WIRE_LEN -> advance(in, readLength(in, Integer.MAX_VALUE));
            case WIRE_FIXED32 -> advance(in, 4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wire + " for field " + field);
        }
    }

    private static void advance(ByteBuffer in, int n) {
        if (n > in.remaining()) {
            throw new IllegalArgumentException("field of " + n + " bytes exceeds the " + in.remaining() + " remaining");
        }
        in.position(in.position() + n);
    }
}
