package dev.keel.raft.statemachine;

import dev.keel.raft.clock.HybridClock;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.ImportSource;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.SnapshotHeaderApplier;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.consensus.VolatileEntryClassifier;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Adapts any {@link VersionedStore} to {@link StateMachine}, with every optional capability.
 *
 * <p><b>Versions follow from the log alone.</b> Each applied non-volatile entry is exactly one
 * store version, committed with its {@link CommitMetadata} (the entry's index and term, the clock
 * ceiling, cutover, active key and membership) in the same atomic write:
 * <ul>
 *   <li>a {@link Command.Block} commits its puts and deletes;</li>
 *   <li>a {@link LogEntry.Type#CONFIG} entry ({@link Command.MembershipChange}) commits an empty
 *       change set with the new membership;</li>
 *   <li>a {@link Command.KeyRotation} commits an empty change set with the new active key (the first
 *       rotation also sets the cutover index to its own index).</li>
 * </ul>
 * An {@link Command.HlcLease} is volatile: it raises the clock's ceiling and creates no version; the
 * next version's metadata carries the raised ceiling.
 *
 * <p>{@link #apply} returns the committed version as 8 big-endian bytes (read it with
 * {@link #versionOf}), or no bytes for a lease.
 *
 * <p>Owns the store: {@link #close()} closes it. Threads: {@link #apply}, {@link #exportSnapshot},
 * {@link #installSnapshot} and {@link #applySnapshotHeader} from the engine's one apply/open thread;
 * {@link #membership()} and the readers may be called from any thread.
 */
public final class StoreStateMachine implements StateMachine, AppliedIndexReader, SnapshotHeaderApplier,
        VolatileEntryClassifier {
    private static final byte[] NO_VERSION = new byte[0];

    private final VersionedStore store;
    private final HybridClock clock;
    /** What the next version's metadata starts from: the latest version's, merged with a skipped header. */
    private volatile CommitMetadata template;

    /**
     * @param store the store (owned from now on)
     * @param clock the clock whose ceiling leases, store metadata and snapshot headers raise
     */
    public StoreStateMachine(VersionedStore store, HybridClock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.template = store.isEmpty() ? CommitMetadata.EMPTY : store.latest().metadata();
        clock.raiseCeiling(template.hlcCeiling());
    }

    /**
     * @param result what {@link #apply} returned
     * @return the committed version, or -1 for an entry that created none (a lease)
     */
    public static long versionOf(byte[] result) {
        return result.length == Long.BYTES ? ByteBuffer.wrap(result).getLong() : -1;
    }

    /** @return the store this state machine drives */
    public VersionedStore store() {
        return store;
    }

    /** @return the clock whose ceiling this state machine maintains */
    public HybridClock clock() {
        return clock;
    }

    /** @return the membership at the applied index (store metadata, then config entries applied since) */
    public Membership membership() {
        return template.membership();
    }

    /** @return the metadata the next version starts from (after any skipped-header merge) */
    public CommitMetadata currentMetadata() {
        return template;
    }

    @Override
    public boolean isEmpty() {
        return store.isEmpty();
    }

    /**
     * {@inheritDoc}
     *
     * @throws MalformedCommandException if the payload is not a command, or a CONFIG entry does not
     *     carry a membership change (or a NORMAL one does); nothing is committed
     * @throws IllegalStateException if the entry is at or below the store's applied index (a
     *     duplicate the apply loop should have skipped) and not a lease
     */
    @Override
    public byte[] apply(LogEntry entry) {
        Command command = CommandCodec.decode(entry.payload());
        boolean config = entry.type() == LogEntry.Type.CONFIG;
        if (config != (command instanceof Command.MembershipChange)) {
            throw new MalformedCommandException(1, "entry " + entry.index() + " of type " + entry.type() + " carries a "
                    + command.getClass().getSimpleName());
        }
        if (command instanceof Command.HlcLease lease) {
            clock.raiseCeiling(lease.ceiling());
            return NO_VERSION;
        }
        CommitMetadata base = template;
        if (entry.index() <= base.appliedIndex()) {
            throw new IllegalStateException("entry " + entry.index() + " is at or below the store's applied index "
                    + base.appliedIndex() + ": a duplicate must not be applied again");
        }
        ChangeSet changes = ChangeSet.empty();
        long cutover = base.cutoverIndex();
        int keyId = base.activeKeyId();
        Membership membership = base.membership();
        if (command instanceof Command.Block block) {
            changes = block.changes();
        } else if (command instanceof Command.KeyRotation rotation) {
            keyId = rotation.keyId();
            cutover = cutover == CommitMetadata.NO_CUTOVER ? entry.index() : cutover;
        } else {
            membership = ((Command.MembershipChange) command).membership();
        }
        CommitMetadata metadata = new CommitMetadata(entry.index(), entry.term(), clock.ceiling(), cutover, keyId,
                membership, base.application());
        CommitInfo info = store.commit(changes, metadata);
        template = metadata;
        return ByteBuffer.allocate(Long.BYTES).putLong(info.version()).array();
    }

    /** Leases are the only volatile entries. */
    @Override
    public boolean isVolatile(LogEntry entry) {
        return entry.type() == LogEntry.Type.NORMAL && CommandCodec.isLease(entry.payload());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Empty for an empty store and for a store whose latest metadata records applied index 0
     * (written without consensus).
     */
    @Override
    public Optional<CommitMetadata> appliedMetadata() {
        if (store.isEmpty()) {
            return Optional.empty();
        }
        CommitMetadata latest = store.latest().metadata();
        return latest.appliedIndex() == 0 ? Optional.empty() : Optional.of(latest);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Kept in memory until the next version commits it: the clock ceiling rises to the header's
     * if higher; cutover, active key and membership stay the store's, and take the header's only
     * where the store has none.
     */
    @Override
    public void applySnapshotHeader(CommitMetadata header) {
        clock.raiseCeiling(header.hlcCeiling());
        CommitMetadata own = template;
        template = new CommitMetadata(own.appliedIndex(), own.appliedTerm(), Math.max(own.hlcCeiling(), header.hlcCeiling()),
                own.cutoverIndex() != CommitMetadata.NO_CUTOVER ? own.cutoverIndex() : header.cutoverIndex(),
                own.activeKeyId() != CommitMetadata.NO_KEY ? own.activeKeyId() : header.activeKeyId(),
                own.membership().isEmpty() ? header.membership() : own.membership(), own.application());
    }

    /** Exports the store's latest version. */
    @Override
    public StoreExport exportSnapshot() {
        return store.export(store.latestVersion());
    }

    /** Replaces the store's state through {@link VersionedStore#replaceFrom}. */
    @Override
    public CommitInfo installSnapshot(ImportSource source, ProgressListener progress) {
        CommitInfo installed = store.replaceFrom(source, progress);
        template = installed.metadata();
        clock.raiseCeiling(installed.metadata().hlcCeiling());
        return installed;
    }

    /** Closes the store; idempotent. */
    @Override
    public void close() {
        store.close();
    }
}
