package dev.keel.raft.wal;

import java.util.Arrays;

/**
 * Where each held entry lives: term, segment and offset, body length and the CRC its record is
 * chained from, for the consecutive indexes {@code (base, base + count]}. Parallel primitive arrays
 * keep it at 28 bytes per entry with no per-entry objects.
 *
 * <p>The transitions ({@link #put}, {@link #truncateFrom}, {@link #applySnapshot},
 * {@link #dropSegmentsBefore}) are the same for live writes and for recovery, which is what makes
 * a replayed log equal the one that was written.
 *
 * <p>Not thread-safe; {@link SegmentedLogStorage} guards it with a read-write lock.
 */
final class EntryIndex {
    private long base;
    private int count;
    private long[] terms = new long[64];
    private long[] locations = new long[64];
    private int[] prevCrcs = new int[64];
    private int[] bodyLengths = new int[64];

    EntryIndex(long base) {
        this.base = base;
    }

    long firstIndex() {
        return base + 1;
    }

    long lastIndex() {
        return base + count;
    }

    boolean holds(long index) {
        return index > base && index <= base + count;
    }

    static long location(long segment, int offset) {
        return segment << 32 | Integer.toUnsignedLong(offset);
    }

    static long segmentOf(long location) {
        return location >>> 32;
    }

    static int offsetOf(long location) {
        return (int) location;
    }

    /** Adds entry {@code index}, first dropping every held entry at or after it (the Raft overwrite). */
    void put(long index, long term, long location, int prevCrc, int bodyLength) {
        if (index > lastIndex() + 1) {
            throw new IllegalStateException("entry " + index + " leaves a gap after " + lastIndex());
        }
        if (index <= base) {
            base = index - 1;
            count = 0;
        } else {
            count = (int) (index - base - 1);
        }
        if (count == terms.length) {
            int n = terms.length * 2;
            terms = Arrays.copyOf(terms, n);
            locations = Arrays.copyOf(locations, n);
            prevCrcs = Arrays.copyOf(prevCrcs, n);
            bodyLengths = Arrays.copyOf(bodyLengths, n);
        }
        terms[count] = term;
        locations[count] = location;
        prevCrcs[count] = prevCrc;
        bodyLengths[count] = bodyLength;
        count++;
    }

    /** Drops every held entry from {@code from} on. */
    void truncateFrom(long from) {
        if (from <= base) {
            base = from - 1;
            count = 0;
        } else if (from <= lastIndex()) {
            count = (int) (from - base - 1);
        }
    }

    /** A snapshot beyond the last entry replaces the log (etcd's and Ratis' rule); one within it keeps it. */
    void applySnapshot(long snapshotIndex) {
        if (snapshotIndex > lastIndex()) {
            base = snapshotIndex;
            count = 0;
        }
    }

    /**
     * @return the smallest held index located in segment {@code sequence} or later, or
     *     {@code lastIndex() + 1} if none
     */
    long firstIndexFromSegment(long sequence) {
        int lo = 0;
        int hi = count;
        // Locations grow with the index: a live entry is always written after every live entry
        // below it, because writing a lower index would have dropped the higher one.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (segmentOf(locations[mid]) < sequence) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return base + 1 + lo;
    }

    /** Forgets the entries located in segments before {@code sequence} (they were deleted). */
    void dropSegmentsBefore(long sequence) {
        int drop = (int) (firstIndexFromSegment(sequence) - base - 1);
        if (drop == 0) {
            return;
        }
        int keep = count - drop;
        System.arraycopy(terms, drop, terms, 0, keep);
        System.arraycopy(locations, drop, locations, 0, keep);
        System.arraycopy(prevCrcs, drop, prevCrcs, 0, keep);
        System.arraycopy(bodyLengths, drop, bodyLengths, 0, keep);
        base += drop;
        count = keep;
    }

    private int slot(long index) {
        if (!holds(index)) {
            throw new IllegalArgumentException("index " + index + " not held (" + firstIndex() + ".." + lastIndex() + ")");
        }
        return (int) (index - base - 1);
    }

    long term(long index) {
        return terms[slot(index)];
    }

    long location(long index) {
        return locations[slot(index)];
    }

    int prevCrc(long index) {
        return prevCrcs[slot(index)];
    }

    int bodyLength(long index) {
        return bodyLengths[slot(index)];
    }
}
