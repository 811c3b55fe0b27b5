package dev.keel.raft.engine;

import dev.keel.raft.io.SimulatedDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One simulated power cut during one engine run. It watches every event of the run — each
 * operation of the WAL's {@link SimulatedDirectory} (as its {@link SimulatedDirectory.OperationListener})
 * and each store commit, snapshot record and restored record (through an
 * {@link ObservedStateMachine}) — and at the aimed-at event takes what a reboot would find at that
 * instant: the WAL's durable bytes ({@link SimulatedDirectory#powerLoss}, possibly tearing the last
 * write), a copy of the snapshot directory, the store's position and the proposals acknowledged so
 * far. The engine then keeps running on its own files until the cycle closes it.
 *
 * <p>Why the instant is exact although the snapshot directory and the store are real files: the
 * cut is taken on the thread that reports the event. A WAL operation runs on the WAL's writer (or,
 * while recovering, the engine) thread while the engine thread waits for it, and the other events
 * are reported by the engine thread itself; so nothing touches the snapshot directory or the store
 * while the cut copies and reads them.
 *
 * <p>Events arrive one at a time (the engine serialises them), and every method is synchronized
 * anyway.
 */
final class PowerCut implements SimulatedDirectory.OperationListener {
    /**
     * What survives the cut.
     *
     * @param point where it landed
     * @param where the event, for messages
     * @param anyInstant whether the cycle aimed at a random instant rather than at this point
     * @param wal the WAL directory a reboot finds
     * @param snapshots a raw copy of the snapshot directory at the cut (durability rules are applied later)
     * @param storeLatest the store's latest version at the cut
     * @param commitInFlight whether a store commit was under way (so version {@code storeLatest + 1} may be durable)
     * @param storeOldest the store's oldest retained version at the cut
     * @param acked what the engine had answered before the cut
     */
    record Image(CrashPoint point, String where, boolean anyInstant, SimulatedDirectory wal, Path snapshots,
                 long storeLatest, boolean commitInFlight, long storeOldest, ProposalLoad.Acknowledged acked) {
    }

    /**
     * Thrown into a reopen's state machine once the power is cut: the restore it interrupts leaves the
     * old store, as a crash before the switch does, and nothing is applied after the cut.
     */
    static final class PowerCutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PowerCutException(String message) {
            super(message);
        }
    }

    private final CrashPoint target;
    private final int ordinal;
    private final long delayNanos;
    private final boolean reopen;
    private final boolean tear;
    private final Random random;
    private final SimulatedDirectory wal;
    private final Path snapshotDirectory;
    private final Path copyTo;
    private final Supplier<ProposalLoad.Acknowledged> acked;
    private ObservedStateMachine stateMachine;

    private boolean armed;
    private long notBefore;
    private int seen;
    private boolean gateAsked;
    private boolean exportDrained;
    private boolean inRollover;
    private Image image;
    private RuntimeException failure;

    /**
     * @param target the point aimed at, or null for the first event after {@code delayNanos}
     * @param ordinal cut at the {@code ordinal}-th event of {@code target}
     * @param delayNanos for a random instant: how long after {@link #arm()} the cut may come
     * @param reopen whether this run is a cold start on what an earlier cut left
     * @param tear whether the last unforced WAL write may survive in part
     * @param random decides the tear
     * @param wal the WAL directory the engine runs on
     * @param snapshotDirectory the engine's snapshot directory
     * @param copyTo where the snapshot directory is copied at the cut (must not exist)
     * @param acked what the engine has answered so far (a copy)
     */
    PowerCut(CrashPoint target, int ordinal, long delayNanos, boolean reopen, boolean tear, Random random,
             SimulatedDirectory wal, Path snapshotDirectory, Path copyTo, Supplier<ProposalLoad.Acknowledged> acked) {
        this.target = target;
        this.ordinal = ordinal;
        this.delayNanos = delayNanos;
        this.reopen = reopen;
        this.tear = tear;
        this.random = random;
        this.wal = wal;
        this.snapshotDirectory = snapshotDirectory;
        this.copyTo = copyTo;
        this.acked = acked;
    }

    /** @param sm the state machine of the run, which reports its events here and tells the store's position */
    synchronized void observe(ObservedStateMachine sm) {
        this.stateMachine = sm;
    }

    /** From now on the aimed-at event cuts the power (a random instant counts from here). */
    synchronized void arm() {
        armed = true;
        notBefore = System.nanoTime() + delayNanos;
    }

    /**
     * @return whether the store must not change any more: in a reopen, once the power is cut the
     *     cold start must not go on (a load run keeps going on its own files, which the cut no
     *     longer concerns, but a restore after the cut would replace the store the cut saw)
     */
    synchronized boolean powerOff() {
        return reopen && fired();
    }

    /** @return whether the power has been cut */
    synchronized boolean fired() {
        return image != null || failure != null;
    }

    /**
     * @return what survived the cut
     * @throws IllegalStateException if the power was not cut
     */
    synchronized Image image() {
        if (failure != null) {
            throw failure;
        }
        if (image == null) {
            throw new IllegalStateException("the power was not cut");
        }
        return image;
    }

    /** Cuts now, from the test thread, if no event did; only while nothing is in flight. */
    synchronized void cutIdle(CrashPoint fallback, String where) {
        if (!fired()) {
            capture(fallback, where, false);
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public synchronized void before(SimulatedDirectory.Operation op, String name) {
        CrashPoint point;
        boolean counted = true;
        if (reopen) {
            point = gateAsked ? CrashPoint.REOPEN_TAIL_COMMIT : CrashPoint.REOPEN_WAL_RECOVERY;
        } else {
            if (op == SimulatedDirectory.Operation.CREATE) {
                inRollover = true;
            }
            if (inRollover) {
                point = CrashPoint.SEGMENT_ROLLOVER;
            } else if (exportDrained) {
                boolean deleting = op == SimulatedDirectory.Operation.DELETE
                        || op == SimulatedDirectory.Operation.FORCE_DIRECTORY;
                point = deleting ? CrashPoint.COMPACTION : CrashPoint.SNAPSHOT_TOKEN;
            } else {
                point = CrashPoint.WAL_GROUP_COMMIT;
                // Before a batch's write the durable state is that before the previous batch's force:
                // aiming counts the forces, where the write in flight may tear.
                counted = op == SimulatedDirectory.Operation.FORCE;
            }
        }
        event(point, "before " + op + (name.isEmpty() ? "" : " of " + name), false, false, counted);
        if (op == SimulatedDirectory.Operation.FORCE_DIRECTORY) {
            inRollover = false;
        }
    }

    /** The gate is asking the state machine for its applied index: WAL recovery is over. */
    synchronized void gateAsked() {
        gateAsked = true;
    }

    /** A store commit for entry {@code index} is about to run. */
    synchronized void beforeCommit(long index) {
        event(reopen ? CrashPoint.REOPEN_REPLAY : CrashPoint.STORE_COMMIT, "store commit of entry " + index + " in flight",
                true, false, true);
    }

    /** The snapshot writer takes record {@code n} of the export. */
    synchronized void exportRecord(long n) {
        event(CrashPoint.SNAPSHOT_BODY, "snapshot body, record " + n + " being written to the temporary file", false,
                false, true);
    }

    /** The export is drained: footer, fsync, rename, token and compaction follow until it is closed. */
    synchronized void exportDrained(long records) {
        exportDrained = true;
        event(CrashPoint.SNAPSHOT_BODY, "snapshot body done (" + records + " records), before its footer, fsync and rename",
                false, false, true);
    }

    /** The export is closed: the snapshot is written, logged and the log compacted (or it failed). */
    synchronized void exportClosed() {
        exportDrained = false;
    }

    /**
     * @param n the record about to be imported
     * @return true if the power is cut now (the caller aborts the import)
     */
    synchronized boolean restoreRecord(long n) {
        return event(CrashPoint.REOPEN_RESTORE, "restore, record " + n + " being imported (before the switch)", false,
                false, true);
    }

    /** The restore switched the store to the snapshot's state. */
    synchronized void restored() {
        event(CrashPoint.REOPEN_RESTORE, "restore switched in, before replay", false, true, true);
    }

    /**
     * @param lastChance cut here if this is the aimed-at point, even before the k-th event (its last
     *     event in the run)
     * @param counted whether the event counts towards the k-th of its point (else only a random
     *     instant may land on it)
     * @return whether this event cut the power
     */
    private boolean event(CrashPoint point, String where, boolean commitInFlight, boolean lastChance, boolean counted) {
        if (!armed || fired()) {
            return false;
        }
        boolean hit;
        if (target == null) {
            hit = System.nanoTime() >= notBefore;
        } else {
            hit = point == target && counted && (++seen >= ordinal || lastChance);
        }
        if (hit) {
            capture(point, where, commitInFlight);
        }
        return hit;
    }

    private void capture(CrashPoint point, String where, boolean commitInFlight) {
        try {
            SimulatedDirectory lost = wal.powerLoss(random, tear);
            copySnapshotDirectory();
            long[] store = stateMachine.storePosition();
            image = new Image(point, where, target == null, lost, copyTo, store[0], commitInFlight, store[1], acked.get());
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void copySnapshotDirectory() {
        try {
            Files.createDirectory(copyTo);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(snapshotDirectory)) {
                for (Path f : files) {
                    try {
                        Files.copy(f, copyTo.resolve(f.getFileName().toString()));
                    } catch (NoSuchFileException gone) {
                        // Deleted while listed (cannot happen while the engine waits; harmless if it did).
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying the snapshot directory at the cut", e);
        }
    }
}
