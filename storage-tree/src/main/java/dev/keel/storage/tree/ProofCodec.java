package dev.keel.storage.tree;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ICS23 {@code CommitmentProof} wire format (the subset in {@code src/main/proto/ics23_subset.proto},
 * upstream field numbers), encoded and decoded by hand. Encoding is canonical proto3 (fields in
 * number order, defaults omitted), which is what cosmos/ics23's gogoproto code writes. Decoding
 * skips unknown fields, lets the last occurrence of a singular field win (proto3), and throws
 * {@link MalformedProofException} for anything that is not well-formed; no length is used before
 * it is checked against the bytes left. Stateless.
 */
final class ProofCodec {
    static final int SHA256 = 1;
    static final int VAR_PROTO = 1;
    private static final int MAX_PATH = 256;

    record LeafOp(int hash, int prehashKey, int prehashValue, int length, byte[] prefix) {
    }

    record InnerOp(int hash, byte[] prefix, byte[] suffix) {
    }

    record ExistenceProof(byte[] key, byte[] value, LeafOp leaf, List<InnerOp> path) {
    }

    /** {@code left} or {@code right} may be null, not both (checked by the verifier). */
    record NonExistenceProof(byte[] key, ExistenceProof left, ExistenceProof right) {
    }

    /** Exactly one of the two is set. */
    record CommitmentProof(ExistenceProof exist, NonExistenceProof nonexist) {
    }

    private ProofCodec() {
    }

    // ---- encoding ----

    static byte[] encode(CommitmentProof proof) {
        Writer w = new Writer();
        if (proof.exist() != null) {
            w.message(1, encode(proof.exist()));
        } else {
            w.message(2, encode(proof.nonexist()));
        }
        return w.bytes();
    }

    private static byte[] encode(NonExistenceProof p) {
        Writer w = new Writer();
        w.bytesField(1, p.key());
        if (p.left() != null) {
            w.message(2, encode(p.left()));
        }
        if (p.right() != null) {
            w.message(3, encode(p.right()));
        }
        return w.bytes();
    }

    private static byte[] encode(ExistenceProof p) {
        Writer w = new Writer();
        w.bytesField(1, p.key());
        w.bytesField(2, p.value());
        Writer leaf = new Writer();
        leaf.enumField(1, p.leaf().hash());
        leaf.enumField(2, p.leaf().prehashKey());
        leaf.enumField(3, p.leaf().prehashValue());
        leaf.enumField(4, p.leaf().length());
        leaf.bytesField(5, p.leaf().prefix());
        w.message(3, leaf.bytes());
        for (InnerOp op : p.path()) {
            Writer inner = new Writer();
            inner.enumField(1, op.hash());
            inner.bytesField(2, op.prefix());
            inner.bytesField(3, op.suffix());
            w.message(4, inner.bytes());
        }
        return w.bytes();
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void enumField(int field, int value) {
            if (value != 0) {
                varint((long) field << 3);
                varint(value);
            }
        }

        void bytesField(int field, byte[] value) {
            if (value.length != 0) {
                message(field, value);
            }
        }

        void message(int field, byte[] value) {
            varint(((long) field << 3) | 2);
            varint(value.length);
            out.writeBytes(value);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    // ---- decoding ----

    static CommitmentProof decode(byte[] bytes) {
        Reader r = new Reader(bytes, 0, bytes.length);
        ExistenceProof exist = null;
        NonExistenceProof nonexist = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case (1 << 3) | 2 -> {
                    exist = existence(r.sub());
                    nonexist = null; // oneof: the last member given wins
                }
                case (2 << 3) | 2 -> {
                    nonexist = nonExistence(r.sub());
                    exist = null;
                }
                case (3 << 3) | 2, (4 << 3) | 2 -> throw new MalformedProofException(r.start(), "batch and compressed proofs are not accepted");
                default -> r.skip(tag);
            }
        }
        if (exist == null && nonexist == null) {
            throw new MalformedProofException(bytes.length, "no existence or non-existence proof");
        }
        return new CommitmentProof(exist, nonexist);
    }

    private static NonExistenceProof nonExistence(Reader r) {
        byte[] key = new byte[0];
        ExistenceProof left = null;
        ExistenceProof right = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case (1 << 3) | 2 -> key = r.bytes();
                case (2 << 3) | 2 -> left = existence(r.sub());
                case (3 << 3) | 2 -> right = existence(r.sub());
                default -> r.skip(tag);
            }
        }
        return new NonExistenceProof(key, left, right);
    }

    private static ExistenceProof existence(Reader r) {
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        LeafOp leaf = null;
        List<InnerOp> path = new ArrayList<>();
        int start = r.start();
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case (1 << 3) | 2 -> key = r.bytes();
                case (2 << 3) | 2 -> value = r.bytes();
                case (3 << 3) | 2 -> leaf = leafOp(r.sub());
                case (4 << 3) | 2 -> {
                    if (path.size() == MAX_PATH) {
                        throw new MalformedProofException(r.start(), "more than " + MAX_PATH + " inner operations");
                    }
                    path.add(innerOp(r.sub()));
                }
                default -> r.skip(tag);
            }
        }
        if (leaf == null) {
            throw new MalformedProofException(start, "existence proof without a leaf operation");
        }
        return new ExistenceProof(key, value, leaf, List.copyOf(path));
    }

    private static LeafOp leafOp(Reader r) {
        int hash = 0;
        int prehashKey = 0;
        int prehashValue = 0;
        int length = 0;
        byte[] prefix = new byte[0];
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 -> hash = r.enumValue();
                case 2 << 3 -> prehashKey = r.enumValue();
                case 3 << 3 -> prehashValue = r.enumValue();
                case 4 << 3 -> length = r.enumValue();
                case (5 << 3) | 2 -> prefix = r.bytes();
                default -> r.skip(tag);
            }
        }
        return new LeafOp(hash, prehashKey, prehashValue, length, prefix);
    }

    private static InnerOp innerOp(Reader r) {
        int hash = 0;
        byte[] prefix = new byte[0];
        byte[] suffix = new byte[0];
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 -> hash = r.enumValue();
                case (2 << 3) | 2 -> prefix = r.bytes();
                case (3 << 3) | 2 -> suffix = r.bytes();
                default -> r.skip(tag);
            }
        }
        return new InnerOp(hash, prefix, suffix);
    }

    /** A cursor over {@code [pos, end)} of the proof bytes. */
    private static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;
        private int fieldStart;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int start() {
            return fieldStart;
        }

        int tag() {
            fieldStart = pos;
            long tag = varint();
            if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
                throw new MalformedProofException(fieldStart, "invalid field tag " + tag);
            }
            return (int) tag;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new MalformedProofException(pos, "truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new MalformedProofException(pos, "varint longer than 10 bytes");
        }

        int enumValue() {
            long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new MalformedProofException(fieldStart, "enum value " + v + " out of range");
            }
            return (int) v;
        }

        private int length() {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new MalformedProofException(fieldStart, "length " + len + " exceeds the " + (end - pos) + " bytes left");
            }
            return (int) len;
        }

        byte[] bytes() {
            int len = length();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }

        Reader sub() {
            int len = length();
            Reader sub = new Reader(buf, pos, pos + len);
            pos += len;
            return sub;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> pos += length();
                case 5 -> advance(4);
                default -> throw new MalformedProofException(fieldStart, "wire type " + (tag & 7) + " is not allowed");
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new MalformedProofException(pos, "truncated fixed-width field");
            }
            pos += n;
        }
    }
}
