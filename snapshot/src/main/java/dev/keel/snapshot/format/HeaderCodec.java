package dev.keel.snapshot.format;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The header frame and its Protobuf payload, encoded and decoded by hand (no protoc, no runtime
 * dependency). Field numbers (message {@code SnapshotHeader}):
 * <pre>
 *  1 snapshot_index     uint64       9 flags            uint32
 *  2 snapshot_term      uint64      10 record_count     fixed64 (always written: patched in place)
 *  3 backend            string      11 chunk_size       uint32
 *  4 record_kind        string      12 seal_key_id      uint32
 *  5 store_version      uint64      13 seal_overhead    uint32
 *  6 commitment_scheme  string
 *  7 commitment_bytes   bytes
 *  8 metadata           CommitMetadata {1 applied_index uint64, 2 applied_term uint64,
 *                         3 hlc_ceiling uint64, 4 cutover_index sint64, 5 active_key_id uint32,
 *                         6 membership Membership {1 voters repeated string, 2 learners repeated string},
 *                         7 application bytes}
 * </pre>
 * Encoding is canonical proto3 (fields in number order, defaults omitted) except field 10, which
 * is always present so the writer can patch the count after streaming the body without changing
 * the header's length. Decoding skips unknown fields (so later versions can add some), lets the
 * last occurrence of a singular field win, and never uses a length before checking it against the
 * bytes left. Stateless.
 */
final class HeaderCodec {
    /** A decoded header with the frame facts the verifier compares to the token. */
    record Parsed(SnapshotHeader header, int length, int crc) {
    }

    private HeaderCodec() {
    }

    // ---- encoding ----

    static byte[] encode(SnapshotHeader h) {
        ProtoWriter w = new ProtoWriter();
        w.uint64(1, h.index());
        w.uint64(2, h.term());
        w.string(3, h.backend());
        w.string(4, h.recordKind());
        w.uint64(5, h.storeVersion());
        w.string(6, h.commitment().scheme());
        w.bytes(7, h.commitment().bytes());
        w.message(8, encode(h.metadata()));
        w.uint64(9, h.flags());
        w.fixed64Always(10, h.recordCount());
        w.uint64(11, h.chunkSize());
        w.uint64(12, h.sealKeyId());
        w.uint64(13, h.sealOverhead());
        byte[] payload = w.toByteArray();
        int length = SnapshotFormat.MIN_HEADER_BYTES + payload.length;
        if (length > SnapshotFormat.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("snapshot header of " + length + " bytes exceeds "
                    + SnapshotFormat.MAX_HEADER_BYTES + " (membership or application bytes too large)");
        }
        ByteBuffer frame = ByteBuffer.allocate(length);
        frame.putInt(SnapshotFormat.MAGIC).putShort((short) SnapshotFormat.FORMAT_VERSION).putInt(length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, length - SnapshotFormat.HEADER_CRC_BYTES);
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    private static byte[] encode(CommitMetadata m) {
        ProtoWriter w = new ProtoWriter();
        w.uint64(1, m.appliedIndex());
        w.uint64(2, m.appliedTerm());
        w.uint64(3, m.hlcCeiling());
        w.sint64(4, m.cutoverIndex());
        w.uint64(5, m.activeKeyId());
        if (!m.membership().isEmpty()) {
            ProtoWriter mw = new ProtoWriter();
            for (String voter : m.membership().voters()) {
                mw.string(1, voter);
            }
            for (String learner : m.membership().learners()) {
                mw.string(2, learner);
            }
            w.message(6, mw.toByteArray());
        }
        w.bytes(7, m.application());
        return w.toByteArray();
    }

    /** @return the CRC32C stored in the last four bytes of an encoded header frame */
    static int storedCrc(byte[] frame) {
        return ByteBuffer.wrap(frame, frame.length - SnapshotFormat.HEADER_CRC_BYTES, SnapshotFormat.HEADER_CRC_BYTES).getInt();
    }

    // ---- decoding ----

    /**
     * Reads and decodes one header frame from the start of {@code in}.
     *
     * @param in positioned at the first header byte
     * @param available bytes the header may occupy at most (file length minus footer)
     * @param file for error messages, or null
     * @return the header and its frame facts
     * @throws SnapshotHeaderException for an unknown magic or version, a length outside its bounds,
     *     a CRC mismatch or a payload that does not decode to a valid header
     * @throws IOException if reading fails
     */
    static Parsed read(InputStream in, long available, Path file) throws IOException {
        if (available < SnapshotFormat.MIN_HEADER_BYTES) {
            throw new SnapshotHeaderException(file, "header needs at least " + SnapshotFormat.MIN_HEADER_BYTES
                    + " bytes, only " + available + " available");
        }
        byte[] prefix = in.readNBytes(SnapshotFormat.HEADER_PREFIX_BYTES);
        if (prefix.length < SnapshotFormat.HEADER_PREFIX_BYTES) {
            throw new SnapshotHeaderException(file, "header prefix truncated at offset " + prefix.length);
        }
        ByteBuffer p = ByteBuffer.wrap(prefix);
        int magic = p.getInt();
        if (magic != SnapshotFormat.MAGIC) {
            throw new SnapshotHeaderException(file, String.format("offset 0: magic 0x%08x, expected 0x%08x",
                    magic, SnapshotFormat.MAGIC));
        }
        int version = Short.toUnsignedInt(p.getShort());
        if (version != SnapshotFormat.FORMAT_VERSION) {
            throw new SnapshotHeaderException(file, "offset 4: unsupported format version " + version
                    + ", this reader knows " + SnapshotFormat.FORMAT_VERSION);
        }
        long length = Integer.toUnsignedLong(p.getInt());
        long max = Math.min(SnapshotFormat.MAX_HEADER_BYTES, available);
        if (length < SnapshotFormat.MIN_HEADER_BYTES || length > max) {
            throw new SnapshotHeaderException(file, "offset 6: header length " + length + " outside ["
                    + SnapshotFormat.MIN_HEADER_BYTES + ", " + max + "]");
        }
        byte[] frame = Arrays.copyOf(prefix, (int) length);
        int rest = (int) length - SnapshotFormat.HEADER_PREFIX_BYTES;
        int got = in.readNBytes(frame, SnapshotFormat.HEADER_PREFIX_BYTES, rest);
        if (got < rest) {
            throw new SnapshotHeaderException(file, "header truncated at offset " + (SnapshotFormat.HEADER_PREFIX_BYTES + got)
                    + ", header length " + length);
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - SnapshotFormat.HEADER_CRC_BYTES);
        int actual = (int) crc.getValue();
        int stored = storedCrc(frame);
        if (actual != stored) {
            throw new SnapshotHeaderException(file, String.format("offset %d: header CRC32C 0x%08x, computed 0x%08x",
                    length - SnapshotFormat.HEADER_CRC_BYTES, stored, actual));
        }
        SnapshotHeader header = decodePayload(frame, SnapshotFormat.HEADER_PREFIX_BYTES,
                frame.length - SnapshotFormat.HEADER_CRC_BYTES, file);
        return new Parsed(header, frame.length, stored);
    }

    private static SnapshotHeader decodePayload(byte[] buf, int from, int to, Path file) {
        ProtoReader r = new ProtoReader(buf, from, to, file);
        long index = 0;
        long term = 0;
        String backend = "";
        String kind = "";
        long storeVersion = 0;
        String scheme = "";
        byte[] commitment = new byte[0];
        CommitMetadata metadata = null;
        long flags = 0;
        long recordCount = -1;
        long chunkSize = 0;
        long sealKeyId = 0;
        long sealOverhead = 0;
        while (r.hasMore()) {
            long tag = r.varint();
            int field = r.fieldNumber(tag);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> index = r.uint64Field(wire);
                case 2 -> term = r.uint64Field(wire);
                case 3 -> backend = r.stringField(wire);
                case 4 -> kind = r.stringField(wire);
                case 5 -> storeVersion = r.uint64Field(wire);
                case 6 -> scheme = r.stringField(wire);
                case 7 -> commitment = r.bytesField(wire);
                case 8 -> metadata = decodeMetadata(r.messageField(wire), file);
                case 9 -> flags = r.uint64Field(wire);
                case 10 -> recordCount = r.fixed64Field(wire);
                case 11 -> chunkSize = r.uint64Field(wire);
                case 12 -> sealKeyId = r.uint64Field(wire);
                case 13 -> sealOverhead = r.uint64Field(wire);
                default -> r.skip(wire);
            }
        }
        if (metadata == null) {
            throw new SnapshotHeaderException(file, "header has no metadata (field 8)");
        }
        if (recordCount < 0) {
            throw new SnapshotHeaderException(file, "header has no valid record count (field 10): " + recordCount);
        }
        try {
            return new SnapshotHeader(index, term, backend, kind, storeVersion, new Commitment(scheme, commitment),
                    metadata, toInt(flags, "flags", file), recordCount, toInt(chunkSize, "chunk size", file),
                    toInt(sealKeyId, "seal key id", file), toInt(sealOverhead, "seal overhead", file));
        } catch (IllegalArgumentException e) {
            throw new SnapshotHeaderException(file, "header fields are invalid: " + e.getMessage(), e);
        }
    }

    private static CommitMetadata decodeMetadata(ProtoReader r, Path file) {
        long appliedIndex = 0;
        long appliedTerm = 0;
        long hlc = 0;
        long cutover = 0;
        long keyId = 0;
        Membership membership = Membership.NONE;
        byte[] application = new byte[0];
        while (r.hasMore()) {
            long tag = r.varint();
            int field = r.fieldNumber(tag);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> appliedIndex = r.uint64Field(wire);
                case 2 -> appliedTerm = r.uint64Field(wire);
                case 3 -> hlc = r.uint64Field(wire);
                case 4 -> cutover = r.sint64Field(wire);
                case 5 -> keyId = r.uint64Field(wire);
                case 6 -> membership = decodeMembership(r.messageField(wire), file);
                case 7 -> application = r.bytesField(wire);
                default -> r.skip(wire);
            }
        }
        try {
            return new CommitMetadata(appliedIndex, appliedTerm, hlc, cutover, toInt(keyId, "active key id", file),
                    membership, application);
        } catch (IllegalArgumentException e) {
            throw new SnapshotHeaderException(file, "header metadata is invalid: " + e.getMessage(), e);
        }
    }

    private static Membership decodeMembership(ProtoReader r, Path file) {
        List<String> voters = new ArrayList<>();
        List<String> learners = new ArrayList<>();
        while (r.hasMore()) {
            long tag = r.varint();
            int field = r.fieldNumber(tag);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> voters.add(r.stringField(wire));
                case 2 -> learners.add(r.stringField(wire));
                default -> r.skip(wire);
            }
        }
        try {
            return new Membership(voters, learners);
        } catch (IllegalArgumentException e) {
            throw new SnapshotHeaderException(file, "header membership is invalid: " + e.getMessage(), e);
        }
    }

    private static int toInt(long value, String what, Path file) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new SnapshotHeaderException(file, "header " + what + " out of range: " + Long.toUnsignedString(value));
        }
        return (int) value;
    }

    /** Proto3 wire writer for the few field types the header uses. */
    private static final class ProtoWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void uint64(int field, long value) {
            if (value != 0) {
                tag(field, 0);
                varint(value);
            }
        }

        void sint64(int field, long value) {
            uint64(field, (value << 1) ^ (value >> 63));
        }

        void fixed64Always(int field, long value) {
            tag(field, 1);
            for (int i = 0; i < 8; i++) {
                out.write((int) (value >>> (8 * i)));
            }
        }

        void string(int field, String value) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int field, byte[] value) {
            if (value.length != 0) {
                message(field, value);
            }
        }

        void message(int field, byte[] value) {
            tag(field, 2);
            varint(value.length);
            out.writeBytes(value);
        }

        private void tag(int field, int wire) {
            varint(((long) field << 3) | wire);
        }

        private void varint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Bounds-checked proto3 wire reader over {@code buf[pos, end)}; every failure is a header exception. */
    private static final class ProtoReader {
        private final byte[] buf;
        private final int end;
        private final Path file;
        private int pos;

        ProtoReader(byte[] buf, int from, int end, Path file) {
            this.buf = buf;
            this.pos = from;
            this.end = end;
            this.file = file;
        }

        boolean hasMore() {
            return pos < end;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw fail("varint runs past the end of its message");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw fail("varint longer than 10 bytes");
        }

        int fieldNumber(long tag) {
            long field = tag >>> 3;
            if (field < 1 || field > 0x1FFF_FFFF) {
                throw fail("invalid field number " + Long.toUnsignedString(field));
            }
            return (int) field;
        }

        long uint64Field(int wire) {
            expect(wire, 0);
            long v = varint();
            if (v < 0) {
                throw fail("unsigned value above 2^63: " + Long.toUnsignedString(v));
            }
            return v;
        }

        long sint64Field(int wire) {
            expect(wire, 0);
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        long fixed64Field(int wire) {
            expect(wire, 1);
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (buf[pos++] & 0xFFL) << (8 * i);
            }
            return v;
        }

        byte[] bytesField(int wire) {
            expect(wire, 2);
            int len = length();
            byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return b;
        }

        String stringField(int wire) {
            byte[] b = bytesField(wire);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new SnapshotHeaderException(file, "string field at offset " + (pos - b.length) + " is not UTF-8", e);
            }
        }

        ProtoReader messageField(int wire) {
            expect(wire, 2);
            int len = length();
            ProtoReader nested = new ProtoReader(buf, pos, pos + len, file);
            pos += len;
            return nested;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    pos += 8;
                }
                case 2 -> {
                    int len = length();
                    pos += len;
                }
                case 5 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw fail("unsupported wire type " + wire);
            }
        }

        private int length() {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw fail("length " + Long.toUnsignedString(len) + " exceeds the " + (end - pos) + " bytes left");
            }
            return (int) len;
        }

        private void need(int n) {
            if (end - pos < n) {
                throw fail(n + " bytes needed, " + (end - pos) + " left");
            }
        }

        private void expect(int wire, int expected) {
            if (wire != expected) {
                throw fail("wire type " + wire + ", expected " + expected);
            }
        }

        private SnapshotHeaderException fail(String what) {
            return new SnapshotHeaderException(file, "header payload at offset " + pos + ": " + what);
        }
    }
}
