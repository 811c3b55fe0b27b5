package dev.keel.storage.tree;

import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.CorruptionException;
import dev.keel.storage.api.Limits;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of everything that changed the store since its last tree snapshot: commits (the
 * effective change set, the metadata, the root hash it produced and the window it left), rollbacks
 * and prunes. Replaying it over the snapshot restores the exact retained versions; the recorded
 * root hash makes a replay that would yield another root a {@link CorruptionException} instead of
 * a wrong commitment.
 *
 * <p>Frame: {@code u32 length ‖ u32 crc32c(length field) ‖ u32 crc32c(payload) ‖ payload}. The
 * length has its own checksum so that a damaged length is detected before it is used. On open, a
 * torn last frame (crash mid-append: short header, short payload, a frame that ends the file and
 * fails its checksum with a whole unwritten (all-zero) sector in its payload, or zeros to the end)
 * is cut off; damage anywhere else, a flipped bit in the last complete frame included, is
 * corruption, because that frame may have been acknowledged.
 *
 * <p>Not thread-safe: the store's writer lock serialises appends.
 */
final class Changelog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Changelog.class);
    static final int HEADER_BYTES = 12;
    /** The largest frame buffer kept between appends; larger records get a buffer of their own. */
    private static final int MAX_KEPT_FRAME_BYTES = 8 << 20;
    static final byte COMMIT = 1;
    static final byte ROLLBACK = 2;
    static final byte PRUNE = 3;

    /** A decoded record. */
    sealed interface Entry permits CommitEntry, RollbackEntry, PruneEntry {
    }

    /** A commit: the effective operations in key order, the root they produced, the window after it. */
    record CommitEntry(long version, long oldestRetained, byte[] rootHash, CommitMetadata metadata,
                       List<Mutation> mutations) implements Entry {
    }

    /** A rollback to {@code version}. */
    record RollbackEntry(long version) implements Entry {
    }

    /** A prune of everything before {@code version}. */
    record PruneEntry(long version) implements Entry {
    }

    private final Path file;
    private final FileChannel channel;
    private final boolean sync;
    /** Payloads appended since {@link #startRecording()}, or null when not recording. */
    private List<byte[]> recorded;
    /** The frame being written, reused (and grown) from one append to the next. */
    private ByteBuffer frame = ByteBuffer.allocate(4096);
    private final CRC32C crc = new CRC32C();

    private Changelog(Path file, FileChannel channel, boolean sync) {
        this.file = file;
        this.channel = channel;
        this.sync = sync;
    }

    Path file() {
        return file;
    }

    /**
     * Reads every intact record of {@code file} (creating it when absent), cuts a torn tail off,
     * and opens it for appending.
     *
     * @throws CorruptionException naming the file when a record other than a torn last one is damaged
     */
    static Changelog openAndRead(Path file, boolean sync, List<Entry> into) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                long end = readAll(file, ch, into);
                if (end < ch.size()) {
                    LOG.warn("changelog {}: cut off a torn tail of {} bytes at offset {}", file, ch.size() - end, end);
                    ch.truncate(end);
                    ch.force(true);
                }
                ch.position(end);
                return new Changelog(file, ch, sync);
            } catch (RuntimeException | IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new StorageException("cannot open changelog " + file, e);
        }
    }

    /**
     * @param bytes a frame's payload
     * @param fileOffset where the payload starts in the file
     * @return whether the payload's part of some 512-byte file sector is all zeros
     */
    static boolean hasZeroSector(byte[] bytes, long fileOffset) {
        int i = 0;
        while (i < bytes.length) {
            int sectorEnd = (int) Math.min(bytes.length, i + (512 - ((fileOffset + i) % 512)));
            boolean zero = true;
            for (int j = i; j < sectorEnd && zero; j++) {
                zero = bytes[j] == 0;
            }
            if (zero) {
                return true;
            }
            i = sectorEnd;
        }
        return false;
    }

    /** @return the offset after the last intact record */
    private static long readAll(Path file, FileChannel ch, List<Entry> into) throws IOException {
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        CRC32C crc = new CRC32C();
        while (pos < size) {
            if (size - pos < HEADER_BYTES) {
                return pos; // torn header
            }
            readFully(ch, header.clear(), pos);
            header.flip();
            int length = header.getInt();
            int lengthCrc = header.getInt();
            int payloadCrc = header.getInt();
            crc.reset();
            crc.update(header.array(), 0, 4);
            if ((int) crc.getValue() != lengthCrc) {
                if (zerosToEnd(ch, pos, size)) {
                    return pos; // the file was extended but the frame never written
                }
                throw new CorruptionException(file, "frame header at offset " + pos + " fails its checksum");
            }
            if (length < 0 || length > size - pos - HEADER_BYTES) {
                return pos; // torn payload: the length is intact but the bytes never all arrived
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(ch, payload, pos + HEADER_BYTES);
            crc.reset();
            crc.update(payload.array(), 0, length);
            long next = pos + HEADER_BYTES + length;
            if ((int) crc.getValue() != payloadCrc) {
                if (next == size && hasZeroSector(payload.array(), pos + HEADER_BYTES)) {
                    // A write cut by a crash leaves whole sectors unwritten (zeros in an appended
                    // file); a flipped bit in a complete record does not, and is corruption: that
                    // record may have been acknowledged.
                    return pos;
                }
                throw new CorruptionException(file, "record at offset " + pos + " (" + length
                        + " bytes) fails its checksum: expected " + Integer.toHexString(payloadCrc)
                        + ", computed " + Long.toHexString(crc.getValue()));
            }
            try {
                into.add(decode(payload.flip()));
            } catch (IllegalArgumentException | BufferUnderflowException e) {
                throw new CorruptionException(file, "record at offset " + pos + " does not decode: " + e.getMessage(), e);
            }
            pos = next;
        }
        return pos;
    }

    void appendCommit(long version, long oldestRetained, byte[] rootHash, CommitMetadata md, Changes changes) {
        byte[] metadata;
        try {
            ByteArrayOutputStream mdBytes = new ByteArrayOutputStream(128);
            try (DataOutputStream out = new DataOutputStream(mdBytes)) {
                MetadataCodec.write(out, md);
            }
            metadata = mdBytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("a ByteArrayOutputStream does not fail", e);
        }
        long length = 1 + 8 + 8 + rootHash.length + metadata.length + 4;
        for (int i = 0; i < changes.size(); i++) {
            length += 1 + 4 + changes.key(i).length + (changes.isPut(i) ? 4 + changes.value(i).length : 0);
        }
        if (length > Integer.MAX_VALUE - HEADER_BYTES) {
            throw new StorageException("the change set of version " + version + " needs " + length
                    + " bytes, more than a changelog record holds (" + file + ")");
        }
        ByteBuffer out = frame((int) length);
        out.put(COMMIT);
        out.putLong(version);
        out.putLong(oldestRetained);
        out.put(rootHash);
        out.put(metadata);
        out.putInt(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            byte[] key = changes.key(i);
            out.put((byte) (changes.isPut(i) ? 1 : 0));
            out.putInt(key.length);
            out.put(key);
            if (changes.isPut(i)) {
                byte[] value = changes.value(i);
                out.putInt(value.length);
                out.put(value);
            }
        }
        append(out);
    }

    /**
     * Keeps a copy of every payload appended from now on, until {@link #stopRecording()}: the
     * records a tree snapshot being written in the background does not contain, which its new
     * changelog must start with.
     */
    void startRecording() {
        recorded = new ArrayList<>();
    }

    /** @return the payloads appended since {@link #startRecording()} (empty if not recording) */
    List<byte[]> stopRecording() {
        List<byte[]> out = recorded == null ? List.of() : recorded;
        recorded = null;
        return out;
    }

    /**
     * Appends already-framed payloads (copied from another changelog) and forces once.
     *
     * @param payloads record payloads, in order
     */
    void appendAll(List<byte[]> payloads) {
        for (byte[] p : payloads) {
            write(p, false);
        }
        if (!payloads.isEmpty()) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new StorageException("cannot force changelog " + file, e);
            }
        }
    }

    void appendRollback(long version) {
        append(frame(9).put(ROLLBACK).putLong(version));
    }

    void appendPrune(long version) {
        append(frame(9).put(PRUNE).putLong(version));
    }

    /**
     * @return the reused frame buffer, positioned after the header, with room for a payload of
     *     {@code payloadLength} bytes; its limit is the end of that payload
     */
    private ByteBuffer frame(int payloadLength) {
        int needed = HEADER_BYTES + payloadLength;
        if (frame.capacity() < needed) {
            try {
                if (needed > MAX_KEPT_FRAME_BYTES) {
                    // A rare huge record (an import-sized commit) does not pin its buffer for good.
                    return ByteBuffer.allocate(needed).position(HEADER_BYTES);
                }
                frame = ByteBuffer.allocate(Math.min(MAX_KEPT_FRAME_BYTES, Math.max(needed, 2 * frame.capacity())));
            } catch (OutOfMemoryError e) {
                throw new StorageException("cannot frame a record of " + payloadLength + " bytes for " + file, e);
            }
        }
        return frame.clear().limit(needed).position(HEADER_BYTES);
    }

    /** Appends the payload {@link #frame} holds (filled to its limit). */
    private void append(ByteBuffer filled) {
        if (filled.hasRemaining()) {
            throw new IllegalStateException(filled.remaining() + " bytes of the record left unwritten");
        }
        write(filled, sync);
        if (recorded != null) {
            recorded.add(Arrays.copyOfRange(filled.array(), HEADER_BYTES, filled.limit()));
        }
    }

    private void write(byte[] payload, boolean force) {
        ByteBuffer out = frame(payload.length).put(payload);
        write(out, force);
    }

    /** Writes the frame whose payload fills {@code out} from {@link #HEADER_BYTES} to its limit. */
    private void write(ByteBuffer out, boolean force) {
        int payloadLength = out.limit() - HEADER_BYTES;
        byte[] array = out.array();
        crc.reset();
        crc.update(array, HEADER_BYTES, payloadLength);
        int payloadCrc = (int) crc.getValue();
        out.putInt(0, payloadLength);
        crc.reset();
        crc.update(array, 0, 4);
        out.putInt(4, (int) crc.getValue());
        out.putInt(8, payloadCrc);
        out.position(0);
        long start;
        try {
            start = channel.position();
        } catch (IOException e) {
            throw new StorageException("cannot append to changelog " + file, e);
        }
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            // Cut the partial frame so that a later append does not follow garbage; if even that
            // fails, the next open treats it as a torn tail only if it ends the file, so say so.
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("cannot append to changelog " + file + " at offset " + start, e);
        }
    }

    private static Entry decode(ByteBuffer in) {
        byte type = in.get();
        switch (type) {
            case COMMIT -> {
                long version = in.getLong();
                long oldest = in.getLong();
                byte[] root = MetadataCodec.readBytes(in, Node.HASH_BYTES);
                CommitMetadata md = MetadataCodec.read(in);
                int n = in.getInt();
                if (n < 0 || n > in.remaining() / 5) {
                    throw new IllegalArgumentException(n + " mutations in " + in.remaining() + " bytes");
                }
                List<Mutation> mutations = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    boolean put = in.get() != 0;
                    byte[] key = MetadataCodec.readBytes(in, in.getInt());
                    Limits.checkKey(key);
                    mutations.add(put ? Mutation.put(key, MetadataCodec.readBytes(in, in.getInt())) : Mutation.delete(key));
                }
                requireConsumed(in);
                return new CommitEntry(version, oldest, root, md, mutations);
            }
            case ROLLBACK -> {
                RollbackEntry e = new RollbackEntry(in.getLong());
                requireConsumed(in);
                return e;
            }
            case PRUNE -> {
                PruneEntry e = new PruneEntry(in.getLong());
                requireConsumed(in);
                return e;
            }
            default -> throw new IllegalArgumentException("unknown record type " + type);
        }
    }

    private static void requireConsumed(ByteBuffer in) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes");
        }
    }

    private static boolean zerosToEnd(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = from;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot close changelog " + file, e);
        }
    }
}
