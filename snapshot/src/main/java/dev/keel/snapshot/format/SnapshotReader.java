package dev.keel.snapshot.format;

import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.crypto.CryptoException;
import dev.keel.storage.api.crypto.Sealer;
import dev.keel.storage.api.snapshot.SnapshotChecksumException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads a snapshot's records back as an {@link ImportSource} for
 * {@link dev.keel.storage.api.VersionedStore#importFrom} or
 * {@link dev.keel.storage.api.VersionedStore#replaceFrom}.
 *
 * <p>{@link #open} verifies the file in full (checks 1–4) first, because any use of the body must
 * (SPEC section 3). Records are then decoded lazily by the importing thread; a malformed body is a
 * {@link dev.keel.storage.api.CorruptionException}, a chunk that fails authentication a
 * {@link dev.keel.storage.api.crypto.SealedRecordException}, and bytes that no longer match the footer
 * (the file changed after verification) a {@link SnapshotChecksumException} when the last record
 * has been read, all from the iterator, so the store's import aborts and keeps its old state.
 * Not thread-safe; close it after the import.
 */
public final class SnapshotReader implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final VerifiedSnapshot verified;
    private final SnapshotToken token;
    private final ChunkSealing sealing;
    private boolean sourceTaken;
    private boolean closed;

    private SnapshotReader(Path file, FileChannel channel, VerifiedSnapshot verified, SnapshotToken token,
                           ChunkSealing sealing) {
        this.file = file;
        this.token = token;
        this.channel = channel;
        this.verified = verified;
        this.sealing = sealing;
    }

    /**
     * Verifies {@code file} against {@code token} in full and opens it for reading.
     *
     * @param file the snapshot file
     * @param token the token naming it
     * @param sealer opens sealed chunks (with the header's key id); null when the body is not sealed
     * @param progress receives bytes verified
     * @return the open reader
     * @throws dev.keel.storage.api.snapshot.SnapshotException if a verification check fails
     * @throws CryptoException if the body is sealed and no (or a mismatched) sealer was given
     * @throws StorageException if the file cannot be read
     */
    public static SnapshotReader open(Path file, SnapshotToken token, Sealer sealer, ProgressListener progress) {
        VerifiedSnapshot verified = SnapshotVerifier.verify(file, token, VerificationPolicy.FULL, progress);
        SnapshotHeader header = verified.header();
        ChunkSealing sealing = null;
        if (header.isSealed()) {
            if (sealer == null) {
                throw new CryptoException(file + ": snapshot is sealed with key " + header.sealKeyId() + " but no sealer was given");
            }
            if (sealer.overhead() != header.sealOverhead()) {
                throw new CryptoException(file + ": snapshot chunks carry " + header.sealOverhead()
                        + " bytes of seal overhead, the sealer adds " + sealer.overhead());
            }
            sealing = new ChunkSealing(sealer, header.sealKeyId());
        }
        try {
            return new SnapshotReader(file, FileChannel.open(file, StandardOpenOption.READ), verified, token, sealing);
        } catch (IOException e) {
            throw new StorageException("opening snapshot " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** @return the verified header */
    public SnapshotHeader header() {
        return verified.header();
    }

    /** @return what verification found, including bytes read */
    public VerifiedSnapshot verified() {
        return verified;
    }

    /**
     * @return the records and the version they rebuild; may be called once
     * @throws IllegalStateException if called twice or after close
     */
    public ImportSource importSource() {
        if (closed) {
            throw new IllegalStateException("snapshot reader of " + file + " is closed");
        }
        if (sourceTaken) {
            throw new IllegalStateException("the import source of " + file + " was already taken");
        }
        sourceTaken = true;
        SnapshotHeader h = verified.header();
        long bodyOffset = verified.headerLength();
        long bodyLength = verified.fileLength() - SnapshotFormat.FOOTER_BYTES - bodyOffset;
        int headerCrc;
        try {
            ByteBuffer headerBytes = ByteBuffer.allocate((int) bodyOffset);
            while (headerBytes.hasRemaining()) {
                if (channel.read(headerBytes, headerBytes.position()) < 0) {
                    throw new IOException("unexpected end of file in the header");
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(headerBytes.flip());
            headerCrc = (int) crc.getValue();
            channel.position(bodyOffset);
        } catch (IOException e) {
            throw new StorageException("reading snapshot " + file + " failed: " + e.getMessage(), e);
        }
        // The body is checksummed again as it streams: the file verified in open() could have been
        // replaced or damaged since, and the import must not commit a body the footer disowns.
        // Not closed on its own: closing it would close the channel, which close() releases.
        CheckedInputStream in = new CheckedInputStream(new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES),
                new CRC32C());
        BodyDecoder records = new BodyDecoder(in, bodyLength, h.chunkSize(), sealing, h.sealOverhead(), h.index(),
                h.term(), h.recordCount(), bodyOffset, file);
        records.atEnd(() -> {
            int computed = Crc32cCombine.combine(headerCrc, (int) in.getChecksum().getValue(), bodyLength);
            if (computed != token.footerCrc32c()) {
                throw new SnapshotChecksumException(file, String.format(
                        "CRC32C of the bytes read is 0x%08x, footer says 0x%08x: the file changed after verification",
                        computed, token.footerCrc32c()));
            }
        });
        return new ImportSource(h.backend(), h.recordKind(), h.commitInfo(), h.recordCount(), records);
    }

    /** Closes the file; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("closing snapshot " + file + " failed: " + e.getMessage(), e);
        }
    }
}
