package dev.keel.snapshot.format;

import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import dev.keel.storage.api.snapshot.SnapshotHeaderException;
import dev.keel.storage.api.snapshot.SnapshotLengthMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTokenMismatchException;
import dev.keel.storage.api.snapshot.SnapshotTooSmallException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Checks a snapshot file against its {@link SnapshotToken}, in SPEC section 3's order, each
 * failure its own type:
 * <ol>
 *   <li>length at least the minimum ({@link SnapshotTooSmallException}) and equal to the token's
 *       ({@link SnapshotLengthMismatchException});</li>
 *   <li>footer CRC equal to the token's ({@link SnapshotTokenMismatchException});</li>
 *   <li>header parses, its CRC matches and equals the token's header CRC, and its index and term
 *       equal the token's and its own metadata's applied index and term
 *       ({@link SnapshotHeaderException});</li>
 *   <li>{@link VerificationPolicy#FULL} only: the CRC32C recomputed over header and body equals
 *       the footer ({@link SnapshotChecksumException}).</li>
 * </ol>
 * Under {@link VerificationPolicy#HEADER} only the header and the footer are read, so the time
 * does not depend on the body's size. Opens the file read-only and modifies nothing. Stateless
 * and thread-safe.
 */
public final class SnapshotVerifier {
    private static final int READ_BUFFER_BYTES = 1 << 20;

    /** The only snapshot format version this module reads and writes. */
    public static final int FORMAT_VERSION = SnapshotFormat.FORMAT_VERSION;

    private SnapshotVerifier() {
    }

    /**
     * Reads the token a file describes by itself — its length, its footer CRC, its header's CRC,
     * index and term — for tools that have no token from a log. Verifying the file against it runs,
     * in effect, checks 3 and 4 against the file's own header and footer.
     *
     * @param file the snapshot file
     * @return the token the file's own header and footer describe
     * @throws SnapshotTooSmallException if the file cannot hold a header and a footer
     * @throws SnapshotHeaderException if the header does not parse or fails its own CRC
     * @throws StorageException if the file cannot be read
     */
    public static SnapshotToken ownToken(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < SnapshotFormat.MIN_FILE_BYTES) {
                throw new SnapshotTooSmallException(file, "length " + size + " < minimum " + SnapshotFormat.MIN_FILE_BYTES);
            }
            long footerOffset = size - SnapshotFormat.FOOTER_BYTES;
            ByteBuffer footerBuffer = ByteBuffer.allocate(SnapshotFormat.FOOTER_BYTES);
            readFully(channel, footerBuffer, footerOffset);
            HeaderCodec.Parsed parsed = readHeader(channel, footerOffset, file);
            SnapshotHeader h = parsed.header();
            try {
                return new SnapshotToken(h.index(), h.term(), size, footerBuffer.getInt(0), parsed.crc());
            } catch (IllegalArgumentException e) {
                throw new SnapshotHeaderException(file, "header names no snapshot position: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new StorageException("reading snapshot " + file + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * @param file the snapshot file
     * @param token what the log says the file is
     * @param policy {@code HEADER} for checks 1–3, {@code FULL} for 1–4
     * @return the verified header
     * @throws dev.keel.storage.api.snapshot.SnapshotException one of the four typed failures above
     * @throws StorageException if the file cannot be read
     */
    public static VerifiedSnapshot verify(Path file, SnapshotToken token, VerificationPolicy policy) {
        return verify(file, token, policy, ProgressListener.NONE);
    }

    /**
     * As {@link #verify(Path, SnapshotToken, VerificationPolicy)}, reporting bytes checked (out of
     * the file's length minus the footer) while the full check runs.
     *
     * @param file the snapshot file
     * @param token what the log says the file is
     * @param policy {@code HEADER} for checks 1–3, {@code FULL} for 1–4
     * @param progress receives bytes done and total during check 4
     * @return the verified header
     * @throws dev.keel.storage.api.snapshot.SnapshotException one of the four typed failures
     * @throws StorageException if the file cannot be read
     */
    public static VerifiedSnapshot verify(Path file, SnapshotToken token, VerificationPolicy policy,
                                          ProgressListener progress) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            // Check 1.
            if (size < SnapshotFormat.MIN_FILE_BYTES) {
                throw new SnapshotTooSmallException(file, "length " + size + " < minimum " + SnapshotFormat.MIN_FILE_BYTES);
            }
            if (size != token.fileLength()) {
                throw new SnapshotLengthMismatchException(file, "length " + size + ", token says " + token.fileLength());
            }
            // Check 2.
            long footerOffset = size - SnapshotFormat.FOOTER_BYTES;
            ByteBuffer footerBuffer = ByteBuffer.allocate(SnapshotFormat.FOOTER_BYTES);
            readFully(channel, footerBuffer, footerOffset);
            int footer = footerBuffer.getInt(0);
            if (footer != token.footerCrc32c()) {
                throw new SnapshotTokenMismatchException(file, String.format(
                        "footer CRC32C at offset %d is 0x%08x, token says 0x%08x", footerOffset, footer, token.footerCrc32c()));
            }
            // Check 3.
            HeaderCodec.Parsed parsed = readHeader(channel, footerOffset, file);
            checkHeaderAgainstToken(parsed, token, file);
            long bytesRead = parsed.length() + SnapshotFormat.FOOTER_BYTES;
            // Check 4.
            if (policy == VerificationPolicy.FULL) {
                int computed = crcOf(channel, footerOffset, progress);
                if (computed != footer) {
                    throw new SnapshotChecksumException(file, String.format(
                            "CRC32C over bytes [0, %d) is 0x%08x, footer says 0x%08x", footerOffset, computed, footer));
                }
                bytesRead = size;
            }
            return new VerifiedSnapshot(parsed.header(), parsed.length(), size, bytesRead);
        } catch (IOException e) {
            throw new StorageException("reading snapshot " + file + " failed: " + e.getMessage(), e);
        }
    }

    static HeaderCodec.Parsed readHeader(FileChannel channel, long available, Path file) throws IOException {
        channel.position(0);
        // Not closed on its own: closing it would close the channel, which the caller owns.
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8192);
        return HeaderCodec.read(in, available, file);
    }

    private static void checkHeaderAgainstToken(HeaderCodec.Parsed parsed, SnapshotToken token, Path file) {
        if (parsed.crc() != token.headerCrc32c()) {
            throw new SnapshotHeaderException(file, String.format("header CRC32C 0x%08x, token says 0x%08x",
                    parsed.crc(), token.headerCrc32c()));
        }
        SnapshotHeader h = parsed.header();
        if (h.index() != token.index() || h.term() != token.term()) {
            throw new SnapshotHeaderException(file, "header index/term " + h.index() + "/" + h.term()
                    + ", token says " + token.index() + "/" + token.term());
        }
        if (h.metadata().appliedIndex() != h.index() || h.metadata().appliedTerm() != h.term()) {
            throw new SnapshotHeaderException(file, "header index/term " + h.index() + "/" + h.term()
                    + " differ from its metadata's applied index/term " + h.metadata().appliedIndex() + "/"
                    + h.metadata().appliedTerm());
        }
    }

    private static int crcOf(FileChannel channel, long length, ProgressListener progress) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(READ_BUFFER_BYTES, Math.max(1, length)));
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            readFully(channel, buffer, done);
            buffer.flip();
            crc.update(buffer);
            done += buffer.limit();
            progress.onProgress(done, length);
        }
        return (int) crc.getValue();
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
