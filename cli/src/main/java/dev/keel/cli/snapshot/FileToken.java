package dev.keel.cli.snapshot;

import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import dev.keel.storage.api.snapshot.SnapshotTooSmallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@link SnapshotToken} a snapshot file describes by itself: its length, the CRC in its
 * footer, the CRC stored at the end of its header, and the index and term in its header.
 *
 * <p>Verifying a file against this token makes checks 1 and 2 hold by construction, so it runs
 * exactly checks 3 and 4 against the file's own header and footer — what {@code verify} can do
 * without a token from the log, and how {@code inspect} reads a header through the public
 * {@link dev.keel.snapshot.format.SnapshotVerifier}.
 *
 * <p>Why this reads the fixed frame and two Protobuf fields itself: the snapshot module has no
 * public way to read a header without a token (its {@code HeaderCodec} is package-private). Only
 * what the token needs is read here — bounds first, before any allocation, as the format requires
 * — and everything else (magic, format version, CRC, every field) is left to the verifier, so a
 * damaged header still fails there with the verifier's own message. Replace with a public
 * header-peek API once the snapshot module has one.
 */
final class FileToken {
    /** Format version 1 (docs/snapshot-format.md): magic 4, format version 2, header length 4. */
    private static final int PREFIX_BYTES = 10;
    private static final int HEADER_CRC_BYTES = 4;
    private static final int FOOTER_BYTES = 4;
    private static final int MIN_HEADER_BYTES = PREFIX_BYTES + HEADER_CRC_BYTES;
    private static final long MIN_FILE_BYTES = MIN_HEADER_BYTES + FOOTER_BYTES;
    private static final int MAX_HEADER_BYTES = 4 * 1024 * 1024;
    private static final int FIELD_SNAPSHOT_INDEX = 1;
    private static final int FIELD_SNAPSHOT_TERM = 2;

    private FileToken() {
    }

    /**
     * What {@link #of} read.
     *
     * @param token the token the file describes
     * @param formatVersion the format version in the fixed frame (the verifier accepts only 1)
     */
    record Read(SnapshotToken token, int formatVersion) {
    }

    /**
     * @param file a snapshot file
     * @return the token its own header and footer describe, and its format version
     * @throws SnapshotTooSmallException if the file cannot hold a header and a footer
     * @throws SnapshotHeaderException if the header's length is out of bounds or its index and term
     *     cannot be read
     * @throws StorageException if the file cannot be read
     */
    static Read of(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MIN_FILE_BYTES) {
                throw new SnapshotTooSmallException(file, "length " + size + " < minimum " + MIN_FILE_BYTES);
            }
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES);
            readFully(channel, prefix, 0);
            long headerLength = Integer.toUnsignedLong(prefix.getInt(6));
            if (headerLength < MIN_HEADER_BYTES || headerLength > Math.min(MAX_HEADER_BYTES, size - FOOTER_BYTES)) {
                throw new SnapshotHeaderException(file, "header length " + headerLength + " outside ["
                        + MIN_HEADER_BYTES + ", " + Math.min(MAX_HEADER_BYTES, size - FOOTER_BYTES) + "]");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 0);
            ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES);
            readFully(channel, footer, size - FOOTER_BYTES);
            long[] position = indexAndTerm(header.array(), PREFIX_BYTES, (int) headerLength - HEADER_CRC_BYTES, file);
            SnapshotToken token = new SnapshotToken(position[0], position[1], size, footer.getInt(0),
                    header.getInt((int) headerLength - HEADER_CRC_BYTES));
            return new Read(token, Short.toUnsignedInt(prefix.getShort(4)));
        } catch (IOException e) {
            throw new StorageException("reading snapshot " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Scans the top-level Protobuf fields; the last occurrence of a field wins, as in the format. */
    private static long[] indexAndTerm(byte[] buf, int from, int to, Path file) {
        long index = 0;
        long term = 0;
        int[] at = {from};
        while (at[0] < to) {
            long tag = varint(buf, at, to, file);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> {
                    long v = varint(buf, at, to, file);
                    if (field == FIELD_SNAPSHOT_INDEX) {
                        index = v;
                    } else if (field == FIELD_SNAPSHOT_TERM) {
                        term = v;
                    }
                }
                case 1 -> skip(at, 8, to, file);
                case 2 -> {
                    long len = varint(buf, at, to, file);
                    if (len > to - at[0]) {
                        throw new SnapshotHeaderException(file, "header field " + field + " runs past the header");
                    }
                    at[0] += (int) len;
                }
                case 5 -> skip(at, 4, to, file);
                default -> throw new SnapshotHeaderException(file, "header field " + field + " has wire type " + (tag & 7));
            }
        }
        if (index < 1 || term < 1) {
            throw new SnapshotHeaderException(file, "header names no snapshot index and term (" + index + "/" + term + ")");
        }
        return new long[] {index, term};
    }

    private static long varint(byte[] buf, int[] at, int to, Path file) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= to) {
                throw new SnapshotHeaderException(file, "header ends inside a varint");
            }
            byte b = buf[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new SnapshotHeaderException(file, "header varint longer than 10 bytes");
    }

    private static void skip(int[] at, int bytes, int to, Path file) {
        if (bytes > to - at[0]) {
            throw new SnapshotHeaderException(file, "header ends inside a fixed-width field");
        }
        at[0] += bytes;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + at);
            }
            at += n;
        }
    }
}
