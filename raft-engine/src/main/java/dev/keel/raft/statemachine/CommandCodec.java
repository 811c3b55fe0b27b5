package dev.keel.raft.statemachine;

import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.consensus.LogEntry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link Command} inside a log entry's payload. All integers big-endian:
 * <pre>
 * command    = version:u8 (= 1)  kind:u8  body            ; nothing may follow the body
 * kind 1 BLOCK       body = count:u32  count × op
 *        op          = tag:u8 (0 put, 1 delete)  keyLen:u32  key  [valueLen:u32  value]  ; value only for a put
 * kind 2 ROTATION    body = keyId:u32 (&gt; 0)
 * kind 3 HLC_LEASE   body = ceiling:u64 (packed hybrid timestamp, &gt;= 0)
 * kind 4 MEMBERSHIP  body = voters:ids  learners:ids ;  ids = n:u32  n × (len:u16  UTF-8 id)
 * </pre>
 * Decoding checks every count and length against the bytes left and against {@link Limits}
 * before it allocates, so a hostile length cannot make it allocate more than the payload's size,
 * and rejects anything malformed with {@link MalformedCommandException}. Stateless and thread-safe.
 */
public final class CommandCodec {
    /** The only format version. */
    public static final int VERSION = 1;
    static final int KIND_BLOCK = 1;
    static final int KIND_ROTATION = 2;
    static final int KIND_LEASE = 3;
    static final int KIND_MEMBERSHIP = 4;
    private static final int TAG_PUT = 0;
    private static final int TAG_DELETE = 1;
    /** Smallest encoded operation: a delete of a one-byte key. */
    private static final int MIN_OP_BYTES = 1 + 4 + 1;
    /** Smallest encoded id: a two-byte length and one byte. */
    private static final int MIN_ID_BYTES = 2 + 1;

    private CommandCodec() {
    }

    /**
     * @param command a command
     * @return its payload bytes
     * @throws IllegalArgumentException if the encoding would exceed {@link LogEntry#MAX_PAYLOAD_BYTES}
     */
    public static byte[] encode(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(VERSION);
        if (command instanceof Command.Block b) {
            out.write(KIND_BLOCK);
            writeInt(out, b.mutations().size());
            for (Mutation m : b.mutations()) {
                out.write(m.isPut() ? TAG_PUT : TAG_DELETE);
                writeBytes(out, m.key());
                if (m.isPut()) {
                    writeBytes(out, m.value());
                }
            }
        } else if (command instanceof Command.KeyRotation r) {
            out.write(KIND_ROTATION);
            writeInt(out, r.keyId());
        } else if (command instanceof Command.HlcLease l) {
            out.write(KIND_LEASE);
            writeLong(out, l.ceiling());
        } else {
            Command.MembershipChange c = (Command.MembershipChange) command;
            out.write(KIND_MEMBERSHIP);
            writeIds(out, c.membership().voters());
            writeIds(out, c.membership().learners());
        }
        if (out.size() > LogEntry.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("encoded command of " + out.size() + " bytes exceeds the entry limit of "
                    + LogEntry.MAX_PAYLOAD_BYTES);
        }
        return out.toByteArray();
    }

    /**
     * Tells an HLC lease from any other payload by its first two bytes, without decoding the rest.
     *
     * @param payload an entry payload
     * @return true when the payload is a version-1 HLC lease
     */
    public static boolean isLease(byte[] payload) {
        return payload.length >= 2 && payload[0] == VERSION && payload[1] == KIND_LEASE;
    }

    /**
     * @param payload an entry payload
     * @return whether it encodes a key rotation (by its header; the body is checked when decoded)
     */
    public static boolean isKeyRotation(byte[] payload) {
        return payload.length >= 2 && payload[0] == VERSION && payload[1] == KIND_ROTATION;
    }

    /**
     * @param payload an entry payload
     * @return the command it encodes
     * @throws MalformedCommandException if the payload is not a well-formed command
     */
    public static Command decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int version = u8(in, "version");
        if (version != VERSION) {
            throw new MalformedCommandException(0, "unsupported version " + version + ", expected " + VERSION);
        }
        int kind = u8(in, "kind");
        Command command = switch (kind) {
            case KIND_BLOCK -> decodeBlock(in);
            case KIND_ROTATION -> {
                int at = in.position();
                int keyId = u32(in, "key id");
                if (keyId <= 0) {
                    throw new MalformedCommandException(at, "key id must be > 0, got " + Integer.toUnsignedString(keyId));
                }
                yield new Command.KeyRotation(keyId);
            }
            case KIND_LEASE -> {
                int at = in.position();
                need(in, 8, "lease ceiling");
                long ceiling = in.getLong();
                if (ceiling < 0) {
                    throw new MalformedCommandException(at, "lease ceiling must be >= 0, got " + ceiling);
                }
                yield new Command.HlcLease(ceiling);
            }
            case KIND_MEMBERSHIP -> decodeMembership(in);
            default -> throw new MalformedCommandException(1, "unknown kind " + kind);
        };
        if (in.hasRemaining()) {
            throw new MalformedCommandException(in.position(), in.remaining() + " trailing bytes after the command");
        }
        return command;
    }

    private static Command decodeBlock(ByteBuffer in) {
        int at = in.position();
        long count = Integer.toUnsignedLong(u32(in, "operation count"));
        if (count > in.remaining() / MIN_OP_BYTES) {
            throw new MalformedCommandException(at, "operation count " + count + " cannot fit in the " + in.remaining()
                    + " bytes left");
        }
        List<Mutation> mutations = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            int tagAt = in.position();
            int tag = u8(in, "operation tag");
            byte[] key = bytes(in, 1, Limits.MAX_KEY_BYTES, "key");
            switch (tag) {
                case TAG_PUT -> mutations.add(Mutation.put(key, bytes(in, 0, Limits.MAX_VALUE_BYTES, "value")));
                case TAG_DELETE -> mutations.add(Mutation.delete(key));
                default -> throw new MalformedCommandException(tagAt, "unknown operation tag " + tag);
            }
        }
        return new Command.Block(mutations);
    }

    private static Command decodeMembership(ByteBuffer in) {
        int at = in.position();
        List<String> voters = ids(in, "voter");
        List<String> learners = ids(in, "learner");
        try {
            return new Command.MembershipChange(new Membership(voters, learners));
        } catch (IllegalArgumentException e) {
            throw new MalformedCommandException(at, e.getMessage());
        }
    }

    private static List<String> ids(ByteBuffer in, String what) {
        int at = in.position();
        long n = Integer.toUnsignedLong(u32(in, what + " count"));
        if (n > in.remaining() / MIN_ID_BYTES) {
            throw new MalformedCommandException(at, what + " count " + n + " cannot fit in the " + in.remaining() + " bytes left");
        }
        List<String> ids = new ArrayList<>((int) n);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (long i = 0; i < n; i++) {
            int idAt = in.position();
            need(in, 2, what + " id length");
            int len = Short.toUnsignedInt(in.getShort());
            if (len == 0 || len > in.remaining()) {
                throw new MalformedCommandException(idAt, what + " id length " + len + " is 0 or exceeds the "
                        + in.remaining() + " bytes left");
            }
            ByteBuffer slice = in.slice(in.position(), len);
            in.position(in.position() + len);
            try {
                ids.add(decoder.decode(slice).toString());
            } catch (CharacterCodingException e) {
                throw new MalformedCommandException(idAt, what + " id is not UTF-8");
            }
        }
        return ids;
    }

    private static byte[] bytes(ByteBuffer in, int min, int max, String what) {
        int at = in.position();
        long len = Integer.toUnsignedLong(u32(in, what + " length"));
        if (len < min || len > max || len > in.remaining()) {
            throw new MalformedCommandException(at, what + " length " + len + " is outside " + min + ".." + max
                    + " or exceeds the " + in.remaining() + " bytes left");
        }
        byte[] b = new byte[(int) len];
        in.get(b);
        return b;
    }

    private static int u8(ByteBuffer in, String what) {
        need(in, 1, what);
        return Byte.toUnsignedInt(in.get());
    }

    private static int u32(ByteBuffer in, String what) {
        need(in, 4, what);
        return in.getInt();
    }

    private static void need(ByteBuffer in, int n, String what) {
        if (in.remaining() < n) {
            throw new MalformedCommandException(in.position(), what + " needs " + n + " bytes, " + in.remaining() + " left");
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] b) {
        writeInt(out, b.length);
        out.writeBytes(b);
    }

    private static void writeIds(ByteArrayOutputStream out, List<String> ids) {
        writeInt(out, ids.size());
        for (String id : ids) {
            byte[] b = id.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("node id of " + b.length + " bytes exceeds 65535");
            }
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }
}
