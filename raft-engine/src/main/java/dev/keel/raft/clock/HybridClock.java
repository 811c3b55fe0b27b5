package dev.keel.raft.clock;

import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: timestamps are 48-bit milliseconds and a 16-bit logical counter packed
 * in a {@code long} ({@code physical << 16 | logical}), so they compare as plain longs.
 *
 * <p>Timestamps are issued only under a <em>ceiling</em>, the highest timestamp a committed lease
 * allows. The ceiling only rises ({@link #raiseCeiling}); it is raised by HLC lease entries (volatile
 * log entries), by store metadata and by snapshot headers, and after a restart it is the max of
 * all three. Because any timestamp up to the recovered ceiling may already have been issued
 * before the restart, {@link #fenceAtCeiling} makes every later timestamp strictly greater than
 * it; the next one therefore needs a new lease. So no timestamp is ever issued twice, across
 * restarts too.
 *
 * <p>Thread-safe: every method is synchronized on the clock (short critical sections).
 */
public final class HybridClock {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    /** Largest logical counter. */
    public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;
    /**
     * Largest physical time in milliseconds. The field is 48 bits wide, but its top bit stays 0 so a
     * packed timestamp is never negative ({@code CommitMetadata} requires a ceiling {@code >= 0});
     * 2^47 ms is about 4,400 years after the epoch.
     */
    public static final long MAX_PHYSICAL = (1L << 47) - 1;

    private final LongSupplier wallMillis;
    private long ceiling;
    private long lastIssued;

    /** @param wallMillis the physical time source in milliseconds since the epoch */
    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = java.util.Objects.requireNonNull(wallMillis, "wallMillis");
    }

    /** @return a clock on {@link System#currentTimeMillis()} */
    public static HybridClock system() {
        return new HybridClock(System::currentTimeMillis);
    }

    /**
     * @param physicalMillis milliseconds, 0..{@link #MAX_PHYSICAL}
     * @param logical counter, 0..{@link #MAX_LOGICAL}
     * @return the packed timestamp
     * @throws IllegalArgumentException if a part is out of range
     */
    public static long pack(long physicalMillis, int logical) {
        if (physicalMillis < 0 || physicalMillis > MAX_PHYSICAL) {
            throw new IllegalArgumentException("physical time out of 47-bit range: " + physicalMillis);
        }
        if (logical < 0 || logical > MAX_LOGICAL) {
            throw new IllegalArgumentException("logical counter out of 16-bit range: " + logical);
        }
        return physicalMillis << LOGICAL_BITS | logical;
    }

    /** @param timestamp a packed timestamp @return its milliseconds */
    public static long physical(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    /** @param timestamp a packed timestamp @return its logical counter */
    public static int logical(long timestamp) {
        return (int) (timestamp & MAX_LOGICAL);
    }

    /** @return the current ceiling (packed); 0 before any lease */
    public synchronized long ceiling() {
        return ceiling;
    }

    /**
     * Raises the ceiling; a lower value is ignored (the ceiling only rises).
     *
     * @param packed a packed timestamp
     * @return true if the ceiling rose
     * @throws IllegalArgumentException if the value is negative
     */
    public synchronized boolean raiseCeiling(long packed) {
        if (packed < 0) {
            throw new IllegalArgumentException("ceiling must be >= 0: " + packed);
        }
        if (packed <= ceiling) {
            return false;
        }
        ceiling = packed;
        return true;
    }

    /**
     * Marks every timestamp up to the current ceiling as possibly issued (call once recovery has
     * raised the ceiling to what the previous run may have leased).
     */
    public synchronized void fenceAtCeiling() {
        lastIssued = Math.max(lastIssued, ceiling);
    }

    /**
     * Issues a timestamp greater than every one issued before (and than the fence), at least the
     * wall clock, if the current lease covers it.
     *
     * @return the timestamp, or empty when it would exceed the ceiling (a lease must be committed first)
     */
    public synchronized OptionalLong tryNow() {
        long candidate = Math.max(pack(Math.min(wallMillis.getAsLong(), MAX_PHYSICAL), 0), lastIssued + 1);
        if (candidate > ceiling) {
            return OptionalLong.empty();
        }
        lastIssued = candidate;
        return OptionalLong.of(candidate);
    }

    /**
     * @param leaseMillis how far ahead of the wall clock the lease reaches
     * @return the ceiling a new lease should ask for: above both the wall clock plus the lease and
     *     the current ceiling
     */
    public synchronized long leaseTarget(long leaseMillis) {
        long wall = Math.min(wallMillis.getAsLong() + leaseMillis, MAX_PHYSICAL);
        return Math.max(pack(wall, 0), Math.max(ceiling, lastIssued) + 1);
    }
}
