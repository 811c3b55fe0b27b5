package dev.keel.raft.wal;

import dev.keel.raft.io.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open segment file: its sequence number, its file and its verified header.
 *
 * <p>Immutable reference holder; the file is thread-safe for positional reads.
 */
final class Segment {
    private static final String PREFIX = "wal-";
    private static final String SUFFIX = ".seg";
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

    final long sequence;
    final StorageFile file;
    final WalProto.SegmentHeader header;
    /** Ids of the keys sealed entries in this segment use (for key retention). */
    final Set<Integer> keys = ConcurrentHashMap.newKeySet();

    Segment(long sequence, StorageFile file, WalProto.SegmentHeader header) {
        this.sequence = sequence;
        this.file = file;
        this.header = header;
    }

    static String fileName(long sequence) {
        return String.format("%s%016d%s", PREFIX, sequence, SUFFIX);
    }

    /** @return the sequence number a segment file name carries, or -1 for any other name */
    static long parseName(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name.length() != PREFIX.length() + 16 + SUFFIX.length()) {
            return -1;
        }
        long seq = 0;
        for (int i = PREFIX.length(); i < PREFIX.length() + 16; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            seq = seq * 10 + (c - '0');
        }
        return seq;
    }

    /**
     * Fills {@code [from, to)} with zeros and forces data and length: preallocation, so that record
     * writes never grow the file and their {@code force} need not update metadata.
     */
    static void zeroFill(StorageFile file, long from, long to) throws IOException {
        long at = from;
        while (at < to) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(z.capacity(), to - at));
            int n = z.remaining();
            file.writeFully(z, at);
            at += n;
        }
        file.force(true);
    }
}
