package dev.keel.storage.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a store version reflects besides its data: the consensus position, the engine state that
 * must survive a restart with it, and opaque application bytes.
 *
 * <p>Backends persist it <em>in the same atomic write</em> as the version's data. That is what
 * makes the cold-start skip gate safe: the applied index a store reports is exactly the index its
 * data reflects. A snapshot's index and term are exactly this record's {@code appliedIndex} and
 * {@code appliedTerm} for the version it exports.
 *
 * <p>Immutable (the application bytes are copied in and out) and thread-safe.
 *
 * @param appliedIndex the log index of the last entry this version reflects; 0 for none
 * @param appliedTerm the term of that entry; 0 for none
 * @param hlcCeiling the hybrid-clock physical ceiling (48-bit ms + 16-bit logical, packed); 0 for none
 * @param cutoverIndex the log index after which entries are sealed, or {@link #NO_CUTOVER}
 * @param activeKeyId the id of the key that seals new records, or {@link #NO_KEY}
 * @param membership the cluster membership at {@code appliedIndex}
 * @param application opaque bytes owned by the application, never interpreted by Keel
 */
public record CommitMetadata(long appliedIndex, long appliedTerm, long hlcCeiling, long cutoverIndex,
                             int activeKeyId, Membership membership, byte[] application) {
    /** {@link #cutoverIndex} when encryption at rest has never been enabled. */
    public static final long NO_CUTOVER = -1L;
    /** {@link #activeKeyId} when no key is active. Real key ids are positive. */
    public static final int NO_KEY = 0;
    /** The metadata of version 0, the empty store, and of a store used without consensus. */
    public static final CommitMetadata EMPTY =
            new CommitMetadata(0, 0, 0, NO_CUTOVER, NO_KEY, Membership.NONE, new byte[0]);

    /**
     * @throws NullPointerException if {@code membership} or {@code application} is null
     * @throws IllegalArgumentException if a number is out of its range
     */
    public CommitMetadata {
        if (appliedIndex < 0 || appliedTerm < 0) {
            throw new IllegalArgumentException("applied index and term must be >= 0: " + appliedIndex + "/" + appliedTerm);
        }
        if (hlcCeiling < 0) {
            throw new IllegalArgumentException("hlc ceiling must be >= 0: " + hlcCeiling);
        }
        if (cutoverIndex < NO_CUTOVER) {
            throw new IllegalArgumentException("cutover index must be >= -1: " + cutoverIndex);
        }
        if (activeKeyId < 0) {
            throw new IllegalArgumentException("key id must be >= 0: " + activeKeyId);
        }
        Objects.requireNonNull(membership, "membership");
        application = Objects.requireNonNull(application, "application").clone();
    }

    /**
     * Metadata that records only a consensus position; everything else empty.
     *
     * @param appliedIndex the applied log index
     * @param appliedTerm its term
     * @return the metadata
     */
    public static CommitMetadata atPosition(long appliedIndex, long appliedTerm) {
        return new CommitMetadata(appliedIndex, appliedTerm, 0, NO_CUTOVER, NO_KEY, Membership.NONE, new byte[0]);
    }

    /** @return a copy of the application bytes */
    @Override
    public byte[] application() {
        return application.clone();
    }

    /**
     * @param newApplication the application bytes
     * @return a copy of this metadata with other application bytes
     */
    public CommitMetadata withApplication(byte[] newApplication) {
        return new CommitMetadata(appliedIndex, appliedTerm, hlcCeiling, cutoverIndex, activeKeyId, membership, newApplication);
    }

    /**
     * @param newIndex the applied index
     * @param newTerm its term
     * @return a copy of this metadata at another consensus position
     */
    public CommitMetadata withPosition(long newIndex, long newTerm) {
        return new CommitMetadata(newIndex, newTerm, hlcCeiling, cutoverIndex, activeKeyId, membership, application);
    }

    /**
     * @param ceiling the hybrid-clock ceiling
     * @return a copy of this metadata with another ceiling
     */
    public CommitMetadata withHlcCeiling(long ceiling) {
        return new CommitMetadata(appliedIndex, appliedTerm, ceiling, cutoverIndex, activeKeyId, membership, application);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommitMetadata m
                && appliedIndex == m.appliedIndex && appliedTerm == m.appliedTerm
                && hlcCeiling == m.hlcCeiling && cutoverIndex == m.cutoverIndex
                && activeKeyId == m.activeKeyId && membership.equals(m.membership)
                && Arrays.equals(application, m.application);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(appliedIndex);
        h = 31 * h + Long.hashCode(appliedTerm);
        h = 31 * h + Long.hashCode(hlcCeiling);
        h = 31 * h + Long.hashCode(cutoverIndex);
        h = 31 * h + activeKeyId;
        h = 31 * h + membership.hashCode();
        return 31 * h + Arrays.hashCode(application);
    }

    @Override
    public String toString() {
        return "CommitMetadata[appliedIndex=" + appliedIndex + ", appliedTerm=" + appliedTerm
                + ", hlcCeiling=" + hlcCeiling + ", cutoverIndex=" + cutoverIndex
                + ", activeKeyId=" + activeKeyId + ", membership=" + membership
                + ", application=" + application.length + " bytes]";
    }
}
