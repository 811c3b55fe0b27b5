package dev.keel.raft.engine;

/**
 * Where a simulated power cut of the {@link PowerLossCampaignTest} lands. Every event the campaign
 * observes (an operation of the WAL's storage directory, a store commit, a snapshot record, a
 * restored record) belongs to exactly one point; a cycle aims at the k-th event of one point. The
 * first six are hit while proposers load the engine, the {@code REOPEN_} ones while it cold-starts
 * on what a first cut left.
 */
enum CrashPoint {
    /** A WAL batch (entries and the hard state committing them) written and about to be forced: it may tear. */
    WAL_GROUP_COMMIT(120),
    /** A new WAL segment being created, preallocated, given its header and named durably. */
    SEGMENT_ROLLOVER(30),
    /** A store commit in flight: the version it writes may or may not have become durable. */
    STORE_COMMIT(80),
    /** A snapshot's body being exported into its temporary file. */
    SNAPSHOT_BODY(150),
    /** A snapshot renamed into place while its token is being logged. */
    SNAPSHOT_TOKEN(10),
    /** WAL segments below the snapshot being deleted. */
    COMPACTION(6),
    /** Nothing in flight: the load was stopped and drained (the fallback when an aim is not reached). */
    IDLE(0),
    /** Reopen: the WAL repairing a torn tail (or starting a segment) before the gate runs. */
    REOPEN_WAL_RECOVERY(4),
    /** Reopen: the snapshot being restored into the store (before or at its atomic switch). */
    REOPEN_RESTORE(40),
    /** Reopen: log entries after the floor being replayed into the store. */
    REOPEN_REPLAY(4),
    /** Reopen: the durable tail's commit index being logged after replay. */
    REOPEN_TAIL_COMMIT(2),
    /** Reopen finished before the aimed-at event happened (the fallback): a cut of the idle engine. */
    REOPEN_READY(0);

    /** The largest k a cycle aims at (the k-th event of this point); 0 for a fallback point. */
    final int maxOrdinal;

    CrashPoint(int maxOrdinal) {
        this.maxOrdinal = maxOrdinal;
    }
}
