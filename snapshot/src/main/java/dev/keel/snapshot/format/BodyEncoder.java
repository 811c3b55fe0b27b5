package dev.keel.snapshot.format;

import dev.keel.storage.api.ExportRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes export records as one plaintext stream cut into chunks of exactly {@code chunkSize}
 * bytes (the last one shorter, possibly empty only when there are no records), each framed by its
 * stored length and sealed when a {@link ChunkSealing} is given. A record may span chunks, which
 * keeps chunks fixed-size whatever the value sizes. Keeps the CRC32C of the bytes it wrote.
 *
 * <p>Record layout: key length (u32) ‖ key ‖ value length (i32, -1 for none) ‖ value ‖ version
 * (u64) ‖ height (u32). Not thread-safe.
 */
final class BodyEncoder {
    private final OutputStream out;
    private final byte[] chunk;
    private final ChunkSealing sealing;
    private final long snapshotIndex;
    private final long snapshotTerm;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer scratch = ByteBuffer.allocate(12);
    /** Separate from {@link #scratch}: a chunk may be emitted while scratch bytes are being copied. */
    private final ByteBuffer lengthPrefix = ByteBuffer.allocate(4);
    private int fill;
    private long chunkNumber;
    private long bytesWritten;
    private long records;

    BodyEncoder(OutputStream out, int chunkSize, ChunkSealing sealing, long snapshotIndex, long snapshotTerm) {
        this.out = out;
        this.chunk = new byte[chunkSize];
        this.sealing = sealing;
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
    }

    void write(ExportRecord record) throws IOException {
        byte[] key = record.key();
        byte[] value = record.value();
        scratch.clear().putInt(key.length);
        put(scratch.array(), 0, 4);
        put(key, 0, key.length);
        scratch.clear().putInt(value == null ? -1 : value.length);
        put(scratch.array(), 0, 4);
        if (value != null) {
            put(value, 0, value.length);
        }
        scratch.clear().putLong(record.version()).putInt(record.height());
        put(scratch.array(), 0, 12);
        records++;
    }

    /** Emits the last chunk. */
    void finish() throws IOException {
        emit(true);
    }

    long records() {
        return records;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    int crc() {
        return (int) crc.getValue();
    }

    private void put(byte[] b, int off, int len) throws IOException {
        int o = off;
        int left = len;
        while (left > 0) {
            // Emit a full chunk only once more bytes follow, so the last chunk is known when sealing it.
            if (fill == chunk.length) {
                emit(false);
            }
            int n = Math.min(left, chunk.length - fill);
            System.arraycopy(b, o, chunk, fill, n);
            fill += n;
            o += n;
            left -= n;
        }
    }

    private void emit(boolean last) throws IOException {
        byte[] stored;
        int storedLength;
        if (sealing == null) {
            stored = chunk;
            storedLength = fill;
        } else {
            byte[] aad = ChunkSealing.associatedData(snapshotIndex, snapshotTerm, chunkNumber, last);
            stored = sealing.sealer().seal(sealing.keyId(), aad, Arrays.copyOf(chunk, fill));
            storedLength = stored.length;
            if (storedLength != fill + sealing.sealer().overhead()) {
                throw new IllegalStateException("sealer produced " + storedLength + " bytes for " + fill
                        + " plaintext bytes, but declares an overhead of " + sealing.sealer().overhead());
            }
        }
        lengthPrefix.clear().putInt(storedLength);
        out.write(lengthPrefix.array(), 0, 4);
        out.write(stored, 0, storedLength);
        crc.update(lengthPrefix.array(), 0, 4);
        crc.update(stored, 0, storedLength);
        bytesWritten += 4L + storedLength;
        chunkNumber++;
        fill = 0;
    }
}
