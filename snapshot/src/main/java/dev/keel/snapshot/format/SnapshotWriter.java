package dev.keel.snapshot.format;

import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.consensus.SnapshotToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Streams a {@link StoreExport} into a snapshot file and returns the {@link SnapshotToken} that
 * names it.
 *
 * <p>The file is written to a temporary file in the target's directory, fsynced, renamed over the
 * target atomically and the directory fsynced, so the target name never shows a half-written
 * file: after a crash it holds the previous file (if any) or the complete new one. A failure
 * deletes the temporary file and propagates. The snapshot's index and term are the export's
 * {@code appliedIndex}/{@code appliedTerm} (SPEC section 3): they are not parameters.
 *
 * <p>Stateless and thread-safe; concurrent writes to the same target leave one of the files.
 */
public final class SnapshotWriter {
    /** Bytes handed to the file-writing thread at a time. */
    private static final int BUFFER_BYTES = 1 << 20;
    /** Buffers in flight: one being filled, the others queued or being written. */
    private static final int BUFFERS = 4;
    /** The file is forced every so often while it is written, so the last force is short. */
    private static final long FORCE_EVERY_BYTES = 16L << 20;

    private SnapshotWriter() {
    }

    /**
     * Writes {@code export} (consumed, not closed) to {@code target}.
     *
     * @param export the export; its metadata supplies the snapshot index and term
     * @param target the final file name
     * @param options chunk size and sealing
     * @return the token naming the written file
     * @throws IllegalArgumentException if the export's metadata records no consensus position
     *     (applied index or term 0): such a version cannot be a snapshot
     * @throws StorageException if writing, syncing or renaming fails (nothing is left under the
     *     target name that was not there before)
     * @throws dev.keel.storage.api.crypto.CryptoException if sealing a chunk fails
     */
    public static SnapshotToken write(StoreExport export, Path target, SnapshotWriteOptions options) {
        CommitInfo info = export.info();
        CommitMetadata metadata = info.metadata();
        if (metadata.appliedIndex() < 1 || metadata.appliedTerm() < 1) {
            throw new IllegalArgumentException("export of version " + info.version() + " records no consensus position ("
                    + metadata.appliedIndex() + "/" + metadata.appliedTerm() + "); a snapshot needs applied index and term >= 1");
        }
        ChunkSealing sealing = options.sealing();
        SnapshotHeader placeholder = new SnapshotHeader(metadata.appliedIndex(), metadata.appliedTerm(), export.backend(),
                export.recordKind(), info.version(), info.commitment(), metadata,
                sealing == null ? 0 : SnapshotHeader.FLAG_SEALED, 0, options.chunkSize(),
                sealing == null ? CommitMetadata.NO_KEY : sealing.keyId(),
                sealing == null ? 0 : sealing.sealer().overhead());
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
            SnapshotToken token = writeTo(temp, export, placeholder, options, sealing);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            syncDirectory(dir);
            return token;
        } catch (IOException e) {
            throw new StorageException("writing snapshot " + absolute + " failed: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    private static SnapshotToken writeTo(Path temp, StoreExport export, SnapshotHeader placeholder,
                                         SnapshotWriteOptions options, ChunkSealing sealing) throws IOException {
        byte[] provisional = HeaderCodec.encode(placeholder);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // Reading and encoding the export overlaps with writing the file on the output's thread.
            OverlappedFileOutput out = new OverlappedFileOutput(channel, BUFFER_BYTES, BUFFERS, FORCE_EVERY_BYTES);
            BodyEncoder body;
            try {
                out.write(provisional);
                body = new BodyEncoder(out, options.chunkSize(), sealing, placeholder.index(), placeholder.term());
                while (export.hasNext()) {
                    body.write(export.next());
                }
                body.finish();
                out.close();
            } finally {
                out.abort();
            }
            SnapshotHeader header = new SnapshotHeader(placeholder.index(), placeholder.term(), placeholder.backend(),
                    placeholder.recordKind(), placeholder.storeVersion(), placeholder.commitment(), placeholder.metadata(),
                    placeholder.flags(), body.records(), placeholder.chunkSize(), placeholder.sealKeyId(),
                    placeholder.sealOverhead());
            byte[] headerBytes = HeaderCodec.encode(header);
            if (headerBytes.length != provisional.length) {
                throw new IllegalStateException("header length changed from " + provisional.length + " to "
                        + headerBytes.length + " when patching the record count");
            }
            writeFully(channel, ByteBuffer.wrap(headerBytes), 0);
            CRC32C headerCrc = new CRC32C();
            headerCrc.update(headerBytes);
            int footer = Crc32cCombine.combine((int) headerCrc.getValue(), body.crc(), body.bytesWritten());
            long footerOffset = headerBytes.length + body.bytesWritten();
            writeFully(channel, ByteBuffer.allocate(SnapshotFormat.FOOTER_BYTES).putInt(0, footer), footerOffset);
            channel.force(true);
            long length = footerOffset + SnapshotFormat.FOOTER_BYTES;
            return new SnapshotToken(header.index(), header.term(), length, footer, HeaderCodec.storedCrc(headerBytes));
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Makes the rename durable; without it a crash could lose the new name after the token was logged.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The original failure propagates; an orphaned temp file is harmless (never under the target name).
        }
    }
}
