package dev.keel.snapshot.format;

import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.ExportRecord;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Decodes the body written by {@link BodyEncoder} back into records, chunk by chunk, opening
 * sealed chunks. Every length (chunk, key, value) is checked against its limit and against the
 * bytes left in the body before anything is allocated, so a crafted field cannot drive a large
 * allocation. Exactly {@code expectedRecords} records must fill the body: fewer bytes, more bytes,
 * a chunk of the wrong size or a malformed record is a {@link CorruptionException} naming the body
 * offset; a chunk that fails to open is the sealer's
 * {@link dev.keel.storage.api.crypto.SealedRecordException}. Not thread-safe.
 */
final class BodyDecoder implements Iterator<ExportRecord> {
    private final InputStream in;
    private final long bodyLength;
    private final int chunkSize;
    private final ChunkSealing sealing;
    private final int sealOverhead;
    private final long snapshotIndex;
    private final long snapshotTerm;
    private final long expectedRecords;
    private final long baseOffset;
    private final Path file;
    private final byte[] lengthBytes = new byte[SnapshotFormat.CHUNK_LENGTH_BYTES];
    private byte[] plain = new byte[0];
    private int pos;
    private long consumed;
    private long chunkNumber;
    private boolean lastSeen;
    private long records;
    private boolean endChecked;
    private Runnable atEnd;

    /**
     * @param in positioned at the first body byte
     * @param bodyLength bytes of body
     * @param chunkSize the header's chunk size
     * @param sealing how to open chunks, or null for an unsealed body
     * @param sealOverhead the header's seal overhead (0 when unsealed)
     * @param snapshotIndex bound into each chunk's associated data
     * @param snapshotTerm bound into each chunk's associated data
     * @param expectedRecords the header's record count
     * @param baseOffset the file offset of the body, for error messages
     * @param file the file, for error messages, or null
     */
    BodyDecoder(InputStream in, long bodyLength, int chunkSize, ChunkSealing sealing, int sealOverhead,
                long snapshotIndex, long snapshotTerm, long expectedRecords, long baseOffset, Path file) {
        this.in = in;
        this.bodyLength = bodyLength;
        this.chunkSize = chunkSize;
        this.sealing = sealing;
        this.sealOverhead = sealOverhead;
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        this.expectedRecords = expectedRecords;
        this.baseOffset = baseOffset;
        this.file = file;
    }

    @Override
    public boolean hasNext() {
        if (records < expectedRecords) {
            return true;
        }
        if (!endChecked) {
            // All records read: the body must end exactly here, with the last chunk consumed.
            if (!lastSeen && consumed == 0) {
                nextChunk(); // the single (empty) last chunk of an empty body
            }
            if (pos != plain.length || consumed != bodyLength || !lastSeen) {
                throw corrupt("body continues after the last of " + expectedRecords + " records");
            }
            endChecked = true;
            if (atEnd != null) {
                atEnd.run();
            }
        }
        return false;
    }

    @Override
    public ExportRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + expectedRecords + " records were read");
        }
        int keyLength = readInt();
        if (keyLength < 1 || keyLength > Limits.MAX_KEY_BYTES) {
            throw corrupt("record " + records + ": key length " + keyLength + " outside [1, " + Limits.MAX_KEY_BYTES + "]");
        }
        byte[] key = readBytes(keyLength, "key");
        int valueLength = readInt();
        if (valueLength < -1 || valueLength > Limits.MAX_VALUE_BYTES) {
            throw corrupt("record " + records + ": value length " + valueLength + " outside [-1, " + Limits.MAX_VALUE_BYTES + "]");
        }
        byte[] value = valueLength < 0 ? null : readBytes(valueLength, "value");
        long version = readLong();
        int height = readInt();
        if (version < 0 || height < 0) {
            throw corrupt("record " + records + ": negative version " + version + " or height " + height);
        }
        records++;
        return new ExportRecord(key, value, version, height);
    }

    /**
     * @param check runs once, when the last record has been read and the body ended where it
     *     should; it may throw to reject the body (the reader re-checks the footer CRC there)
     */
    void atEnd(Runnable check) {
        this.atEnd = check;
    }

    /** @return the number of records returned so far */
    long records() {
        return records;
    }

    private int readInt() {
        return ByteBuffer.wrap(readBytes(4, "int")).getInt();
    }

    private long readLong() {
        return ByteBuffer.wrap(readBytes(8, "long")).getLong();
    }

    private byte[] readBytes(int n, String what) {
        // Plaintext left is at most what is buffered plus the stored bytes still unread.
        long upperBound = (long) (plain.length - pos) + (bodyLength - consumed);
        if (n > upperBound) {
            throw corrupt("record " + records + ": " + what + " of " + n + " bytes, at most " + upperBound + " left");
        }
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            if (pos == plain.length) {
                if (lastSeen) {
                    throw corrupt("record " + records + ": body ends inside a " + what);
                }
                nextChunk();
                continue;
            }
            int k = Math.min(n - done, plain.length - pos);
            System.arraycopy(plain, pos, out, done, k);
            pos += k;
            done += k;
        }
        return out;
    }

    private void nextChunk() {
        long left = bodyLength - consumed;
        if (left < SnapshotFormat.CHUNK_LENGTH_BYTES) {
            throw corrupt("chunk " + chunkNumber + ": length field truncated, " + left + " bytes left");
        }
        readFully(lengthBytes, 0, lengthBytes.length);
        long stored = Integer.toUnsignedLong(ByteBuffer.wrap(lengthBytes).getInt());
        consumed += SnapshotFormat.CHUNK_LENGTH_BYTES;
        long maxStored = (long) chunkSize + sealOverhead;
        if (stored > maxStored || stored > bodyLength - consumed || stored < sealOverhead) {
            throw corrupt("chunk " + chunkNumber + ": stored length " + stored + " outside [" + sealOverhead + ", "
                    + Math.min(maxStored, bodyLength - consumed) + "]");
        }
        byte[] bytes = new byte[(int) stored];
        readFully(bytes, 0, bytes.length);
        consumed += stored;
        boolean last = consumed == bodyLength;
        if (sealing != null) {
            byte[] aad = ChunkSealing.associatedData(snapshotIndex, snapshotTerm, chunkNumber, last);
            bytes = sealing.sealer().open(sealing.keyId(), aad, bytes);
        }
        if (last ? bytes.length > chunkSize : bytes.length != chunkSize) {
            throw corrupt("chunk " + chunkNumber + ": " + bytes.length + " plaintext bytes, expected "
                    + (last ? "at most " : "exactly ") + chunkSize);
        }
        plain = bytes;
        pos = 0;
        lastSeen = last;
        chunkNumber++;
    }

    private void readFully(byte[] b, int off, int len) {
        try {
            int n = in.readNBytes(b, off, len);
            if (n < len) {
                throw corrupt("chunk " + chunkNumber + ": stream ended after " + n + " of " + len + " bytes");
            }
        } catch (IOException e) {
            throw new StorageException("reading snapshot body" + (file == null ? "" : " of " + file)
                    + " at offset " + (baseOffset + consumed), e);
        }
    }

    private CorruptionException corrupt(String what) {
        return new CorruptionException(file, "snapshot body at offset " + (baseOffset + consumed) + ": " + what);
    }
}
