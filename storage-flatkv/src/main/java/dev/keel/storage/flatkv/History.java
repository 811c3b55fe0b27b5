package dev.keel.storage.flatkv;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The undo record of one version: every key the version changed, with its value before the
 * version ({@code null} when it was absent). A view of an older version overlays these priors on
 * the current state; a rollback writes them back.
 *
 * <p>One version's history is written as a few large values (chunks of about {@link #CHUNK_BYTES})
 * rather than one entry per key: a commit then costs RocksDB one entry per changed key (the state)
 * plus a handful, and releasing versions is one range delete. Historical reads pay instead:
 * a view decodes the history of every version after its own, once, when first read.
 *
 * <p>Chunk encoding: {@code (u32be keyLength ‖ key ‖ u8 present ‖ [u32be valueLength ‖ value])*}.
 * Stateless and thread-safe.
 */
final class History {
    /** Target size of one chunk; a chunk exceeds it only by its last entry. */
    static final int CHUNK_BYTES = 1 << 20;

    /** A key's value before a version; {@code before == null} when the key was absent. */
    record Prior(byte[] key, byte[] before) {
    }

    private History() {
    }

    /** @return the chunks encoding {@code priors}, in order */
    static List<byte[]> encode(List<Prior> priors) {
        List<byte[]> chunks = new ArrayList<>(1);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(Math.min(CHUNK_BYTES, 64 + priors.size() * 64));
        for (Prior p : priors) {
            writeU32(chunk, p.key().length);
            chunk.writeBytes(p.key());
            if (p.before() == null) {
                chunk.write(0);
            } else {
                chunk.write(1);
                writeU32(chunk, p.before().length);
                chunk.writeBytes(p.before());
            }
            if (chunk.size() >= CHUNK_BYTES) {
                chunks.add(chunk.toByteArray());
                chunk.reset();
            }
        }
        if (chunk.size() > 0) {
            chunks.add(chunk.toByteArray());
        }
        return chunks;
    }

    /** @return the priors of one chunk; throws {@link IllegalArgumentException} on a malformed one */
    static List<Prior> decode(byte[] chunk) {
        List<Prior> priors = new ArrayList<>();
        int off = 0;
        while (off < chunk.length) {
            int keyLength = readLength(chunk, off, 1);
            off += 4;
            byte[] key = Arrays.copyOfRange(chunk, off, off + keyLength);
            off += keyLength;
            if (off >= chunk.length) {
                throw new IllegalArgumentException("missing presence flag at offset " + off);
            }
            int flag = chunk[off++];
            if (flag == 0) {
                priors.add(new Prior(key, null));
            } else if (flag == 1) {
                int valueLength = readLength(chunk, off, 0);
                off += 4;
                priors.add(new Prior(key, Arrays.copyOfRange(chunk, off, off + valueLength)));
                off += valueLength;
            } else {
                throw new IllegalArgumentException("presence flag " + flag + " at offset " + (off - 1));
            }
        }
        return priors;
    }

    /** Reads a length and checks it against the bytes that follow, before anything is allocated. */
    private static int readLength(byte[] b, int off, int min) {
        if (b.length - off < 4) {
            throw new IllegalArgumentException("truncated length at offset " + off);
        }
        int n = ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        if (n < min || n > b.length - off - 4) {
            throw new IllegalArgumentException("length " + n + " out of bounds at offset " + off);
        }
        return n;
    }

    private static void writeU32(ByteArrayOutputStream out, int n) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
    }
}
