package dev.keel.raft.engine;

import dev.keel.raft.clock.HybridClock;
import dev.keel.raft.io.StorageDirectory;
import dev.keel.raft.statemachine.BlockBatcher;
import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.wal.SegmentedLogStorage;
import dev.keel.raft.wal.WalListener;
import dev.keel.snapshot.format.ChunkSealing;
import dev.keel.snapshot.format.SnapshotVerifier;
import dev.keel.snapshot.format.SnapshotWriteOptions;
import dev.keel.snapshot.format.SnapshotWriter;
import dev.keel.snapshot.gate.LogTerms;
import dev.keel.snapshot.gate.NodeRole;
import dev.keel.snapshot.restore.ColdStartRequest;
import dev.keel.snapshot.restore.ColdStartResult;
import dev.keel.snapshot.restore.RestoreOrSkip;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.KeelException;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.ProgressListener;
import dev.keel.storage.api.StorageException;
import dev.keel.storage.api.StoreExport;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import dev.keel.storage.api.coldstart.ScrubReport;
import dev.keel.storage.api.coldstart.VerificationPolicy;
import dev.keel.storage.api.consensus.AppliedIndexReader;
import dev.keel.storage.api.consensus.HardState;
import dev.keel.storage.api.consensus.LogEntry;
import dev.keel.storage.api.consensus.NotStartedException;
import dev.keel.storage.api.consensus.SnapshotToken;
import dev.keel.storage.api.consensus.StateMachine;
import dev.keel.storage.api.crypto.Sealer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone, single-voter engine: a {@link SegmentedLogStorage} and a {@link StateMachine} wired
 * so that {@link #propose} means durable in the log, committed, applied, answered (SPEC section 2,
 * "Standalone mode").
 *
 * <p><b>Opening.</b> {@link Builder#open()} returns at once. Cold start runs on the engine's own
 * thread, as one straight sequence (see {@code coldStart}): recover the log, describe its durable
 * state, run the snapshot module's gate and restore-or-skip, replay the log after the floor (a
 * duplicate is re-applied only when volatile), commit the durable tail (a single voter's own log
 * is its majority), fence the clock at its recovered ceiling. {@link #ready()} completes with the
 * cold-start report, or exceptionally with the typed error that stopped the open. Until it
 * completes, {@link #propose}, {@link #snapshot}, {@link #now} and {@link #coldStartReport} throw
 * {@link NotStartedException}.
 *
 * <p><b>Proposals.</b> Proposals queue to the engine thread, which packs those waiting into entries
 * with its {@link ProposalBatcher} (by default blocks of puts and deletes are merged into one
 * entry), appends them durably, records the commit index in the hard state, applies them and
 * completes each proposal with its entry's result. After every {@code snapshotEvery} applied
 * entries, and on {@link #snapshot()}, the state machine's export is written as a snapshot file,
 * recorded with {@code setSnapshotToken}, and the log compacted up to it.
 *
 * <p><b>Encryption at rest</b> (SPEC section 2), with a {@linkplain Builder#sealer sealer}: the
 * first {@link #rotateKey} entry is the cutover; it is written in clear, and every entry after it
 * is sealed in the WAL with the active key, as are the chunks of every snapshot of a version at or
 * after the cutover. A rotation entry ends its append batch and is applied before the next entry
 * is sealed, so an entry is always sealed with the key chosen by the entries before it. After a
 * restart the active key comes from the store's metadata at the applied index (the replayed
 * entries included). A missing key or a failed tag stops the open or apply with a typed
 * {@link dev.keel.storage.api.crypto.CryptoException}; nothing falls back to plaintext.
 * {@link #keysInUse()} names the keys the log and the snapshot still need.
 *
 * <p><b>Ownership and threads.</b> The engine owns the log and the state machine and closes both.
 * Every public method may be called from any thread; proposal futures complete on the engine
 * thread, so dependent work should be quick or asynchronous. {@link #close()} is idempotent, waits
 * for the engine thread (including a cold start in progress) and the scrub thread to stop, and
 * fails pending proposals with {@link IllegalStateException}.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long READ_BYTES = 4L * 1024 * 1024;

    private final Builder config;
    private final StateMachine stateMachine;
    private final HybridClock clock;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<ColdStartReport> ready = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private final ExecutorService scrubExecutor;
    private volatile ColdStartReport report;
    /** Set when the engine thread stopped on an error after start; later calls fail fast. */
    private volatile Throwable failure;
    private volatile long appliedIndex;
    private volatile long commitIndex;
    // Owned by the engine thread after open.
    private SegmentedLogStorage log;
    private ApplyLoop applyLoop;
    private long term;
    private long sinceSnapshot;
    /** The key the current snapshot's chunks are sealed with (NO_KEY when clear); read by keysInUse. */
    private volatile int snapshotKeyId = CommitMetadata.NO_KEY;

    private Engine(Builder b) {
        this.config = b;
        this.stateMachine = b.stateMachine;
        this.clock = b.clock;
        int n = THREADS.incrementAndGet();
        this.scrubExecutor = Executors.newSingleThreadExecutor(r -> daemon(r, "keel-engine-scrub-" + n));
        this.thread = daemon(this::run, "keel-engine-" + n);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return completes with the cold-start report once the engine is started, or with the open's error */
    public CompletableFuture<ColdStartReport> ready() {
        return ready.copy();
    }

    /**
     * @return how the open went
     * @throws NotStartedException before {@link #ready()} completed
     */
    public ColdStartReport coldStartReport() {
        requireStarted("coldStartReport");
        return report;
    }

    /** @return the index of the last entry applied; 0 before start */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** @return the commit index recorded in the hard state; 0 before start */
    public long commitIndex() {
        return commitIndex;
    }

    /** @return the engine's hybrid clock */
    public HybridClock clock() {
        return clock;
    }

    /**
     * Proposes a normal entry.
     *
     * @param payload the entry payload (for a {@code StoreStateMachine}, an encoded {@code Command})
     * @return completes with the state machine's result for the entry that carried it, or
     *     exceptionally if the log fails or the engine closes first
     * @throws NotStartedException before the engine is ready
     * @throws KeelException if the batcher refuses the payload
     */
    public CompletableFuture<byte[]> propose(byte[] payload) {
        if (CommandCodec.isKeyRotation(payload)) {
            requireStarted("propose");
            requireUsableKey(((Command.KeyRotation) CommandCodec.decode(payload)).keyId());
        }
        return submit(payload, LogEntry.Type.NORMAL, "propose");
    }

    /**
     * Proposes a key rotation ({@link Command.KeyRotation}): entries after it are sealed with
     * {@code keyId}. The first rotation is the cutover that turns encryption on. The old key must
     * stay available while {@link #keysInUse()} lists it.
     *
     * @param keyId the new active key id, at least 1
     * @return completes with the state machine's result once the rotation is applied
     * @throws NotStartedException before the engine is ready
     * @throws IllegalStateException if the engine has no sealer
     * @throws dev.keel.storage.api.crypto.CryptoException if the key cannot seal (missing, not
     *     AES-256, exhausted); nothing is proposed
     */
    public CompletableFuture<byte[]> rotateKey(int keyId) {
        requireStarted("rotateKey");
        byte[] payload = CommandCodec.encode(new Command.KeyRotation(keyId));
        requireUsableKey(keyId);
        return submit(payload, LogEntry.Type.NORMAL, "rotateKey");
    }

    /**
     * @return the ids of the keys still needed to read the log's live segments and the current
     *     snapshot; a key provider must keep these
     * @throws NotStartedException before the engine is ready
     */
    public java.util.SortedSet<Integer> keysInUse() {
        requireStarted("keysInUse");
        java.util.SortedSet<Integer> keys = log.keysInUse();
        int snapshotKey = snapshotKeyId;
        if (snapshotKey != CommitMetadata.NO_KEY) {
            keys.add(snapshotKey);
        }
        return keys;
    }

    /** A rotation to a key that cannot seal would stop the engine at its first sealed append: refuse it now. */
    private void requireUsableKey(int keyId) {
        Sealer sealer = config.sealer;
        if (sealer == null) {
            throw new IllegalStateException("key rotation needs encryption at rest: the engine was opened without a sealer");
        }
        byte[] probe = "keel key probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] opened = sealer.open(keyId, probe, sealer.seal(keyId, probe, probe));
        if (!java.util.Arrays.equals(opened, probe)) {
            throw new dev.keel.storage.api.crypto.CryptoException("key " + keyId + " does not round-trip a sealed box");
        }
    }

    /**
     * Proposes a configuration entry carrying a membership change ({@link Command.MembershipChange}).
     *
     * @param membership the new membership
     * @return completes with the state machine's result
     * @throws NotStartedException before the engine is ready
     */
    public CompletableFuture<byte[]> changeMembership(Membership membership) {
        return submit(CommandCodec.encode(new Command.MembershipChange(membership)), LogEntry.Type.CONFIG,
                "changeMembership");
    }

    /**
     * Issues a hybrid timestamp; when the current lease does not cover it, first commits an HLC lease
     * entry (volatile) that raises the ceiling by the builder's lease length.
     *
     * @return completes with a timestamp greater than every one issued before, across restarts
     * @throws NotStartedException before the engine is ready
     */
    public CompletableFuture<Long> now() {
        requireStarted("now");
        OptionalLong t = clock.tryNow();
        if (t.isPresent()) {
            return CompletableFuture.completedFuture(t.getAsLong());
        }
        long target = clock.leaseTarget(config.leaseMillis);
        return propose(CommandCodec.encode(new Command.HlcLease(target))).thenCompose(r -> now());
    }

    /**
     * Writes a snapshot of the state machine's latest applied version now (after every proposal
     * queued before this call is applied), records its token and compacts the log.
     *
     * @return completes with the token (the existing one if nothing was applied since)
     * @throws NotStartedException before the engine is ready
     */
    public CompletableFuture<SnapshotToken> snapshot() {
        requireStarted("snapshot");
        CompletableFuture<SnapshotToken> future = new CompletableFuture<>();
        enqueue(new Task.SnapshotRequest(future));
        return future;
    }

    private CompletableFuture<byte[]> submit(byte[] payload, LogEntry.Type type, String operation) {
        requireStarted(operation);
        Objects.requireNonNull(payload, "payload");
        if (payload.length > LogEntry.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + LogEntry.MAX_PAYLOAD_BYTES);
        }
        boolean rotation = type == LogEntry.Type.NORMAL && CommandCodec.isKeyRotation(payload);
        boolean mergeable = !rotation && type == LogEntry.Type.NORMAL && config.batcher.mergeable(payload);
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        enqueue(new Task.Proposal(payload.clone(), type, mergeable, rotation, System.nanoTime(), future));
        return future;
    }

    private void enqueue(Task task) {
        if (closed.get()) {
            throw new IllegalStateException("engine is closed");
        }
        queue.add(task);
        Throwable failed = failure;
        if (closed.get() || failed != null) {
            // The engine thread may have stopped before the add; fail what it would never take.
            failPending(failed != null ? failed : new IllegalStateException("engine is closed"));
        }
    }

    private void requireStarted(String operation) {
        if (closed.get()) {
            throw new IllegalStateException("engine is closed");
        }
        if (!ready.isDone()) {
            throw new NotStartedException(operation);
        }
        if (ready.isCompletedExceptionally()) {
            throw new IllegalStateException("engine failed to start; see ready()");
        }
        Throwable failed = failure;
        if (failed != null) {
            throw new IllegalStateException("engine stopped after a failure: " + failed, failed);
        }
    }

    // ------------------------------------------------------------------ engine thread

    private void run() {
        try {
            report = coldStart();
            ready.complete(report);
        } catch (Throwable t) {
            LOG.error("event=engine_open_failed store={} error=\"{}\"", config.storeName, t.toString());
            ready.completeExceptionally(t);
            return;
        }
        try {
            serve();
        } catch (Throwable t) {
            LOG.error("event=engine_failed store={} error=\"{}\"", config.storeName, t.toString());
            failure = t;
            failPending(t);
        }
    }

    /** The open path, top to bottom. */
    private ColdStartReport coldStart() {
        log = openLog();
        deleteUnfinishedSnapshotFiles();
        requireCommittedEntriesPresent(log);
        CapturingObserver observer = new CapturingObserver(config.storeName, config.observer);
        ColdStartRequest request = describeDurableState(observer);
        ColdStartResult result = RestoreOrSkip.run(stateMachine, request);
        applyLoop = new ApplyLoop(stateMachine, result.effectiveAppliedIndex(), config.listener);
        replayFrom(replayStart(request), log.lastIndex());
        term = log.hardState().term() + 1;
        commitDurableTail();
        sealWithActiveKey();
        snapshotKeyId = log.snapshotToken().map(this::snapshotSealKey).orElse(CommitMetadata.NO_KEY);
        clock.fenceAtCeiling();
        return observer.report();
    }

    /**
     * The hard state says which entries were committed, and the log must still hold them: a WAL
     * whose last segment file vanished recovers as a clean, shorter log, and only this comparison
     * notices that acknowledged entries are gone.
     */
    private static void requireCommittedEntriesPresent(SegmentedLogStorage log) {
        long commit = log.hardState().commitIndex();
        long last = Math.max(log.lastIndex(), log.snapshotToken().map(SnapshotToken::index).orElse(0L));
        if (commit > last) {
            throw new dev.keel.storage.api.coldstart.LogGapException("the log ends at index " + last
                    + " but its hard state records entries up to " + commit
                    + " as committed: acknowledged entries are missing (a lost segment file?)");
        }
    }

    /**
     * Points the log at the key the applied state names: after the cutover every new entry is
     * sealed with the active key. A store past its cutover and an engine without a sealer is a
     * typed error, never a silent return to plaintext.
     */
    private void sealWithActiveKey() {
        if (!(stateMachine instanceof AppliedIndexReader reader)) {
            return;
        }
        Optional<CommitMetadata> metadata = reader.appliedMetadata();
        if (metadata.isEmpty() || metadata.get().cutoverIndex() == CommitMetadata.NO_CUTOVER) {
            return;
        }
        int keyId = metadata.get().activeKeyId();
        if (config.sealer == null) {
            throw new dev.keel.storage.api.crypto.CryptoException("store " + config.storeName + " is encrypted at rest "
                    + "since index " + metadata.get().cutoverIndex() + " (active key " + keyId
                    + ") but the engine was opened without a sealer");
        }
        if (keyId != log.sealKeyId()) {
            log.sealWith(keyId);
            LOG.info("event=wal_sealing store={} keyId={} cutover={}", config.storeName, keyId,
                    metadata.get().cutoverIndex());
        }
    }

    /** @return the key the recorded snapshot's chunks are sealed with, NO_KEY if clear or unreadable */
    private int snapshotSealKey(SnapshotToken token) {
        Path file = snapshotFile(token);
        try {
            return SnapshotVerifier.verify(file, token, VerificationPolicy.HEADER).header().sealKeyId();
        } catch (RuntimeException e) {
            // Cold start has just verified this file (or restored without it); keysInUse is advisory here.
            LOG.warn("event=snapshot_key_unknown file={} error=\"{}\"", file, e.toString());
            return CommitMetadata.NO_KEY;
        }
    }

    private SegmentedLogStorage openLog() {
        try {
            if (config.walStorage == null) {
                Files.createDirectories(config.walDirectory);
            }
            Files.createDirectories(config.snapshotDirectory);
        } catch (IOException e) {
            throw new StorageException("cannot create engine directories "
                    + (config.walStorage == null ? config.walDirectory + ", " : "") + config.snapshotDirectory, e);
        }
        // A storage directory given to the builder stays the caller's: the log does not close it.
        SegmentedLogStorage.Builder b = (config.walStorage != null ? SegmentedLogStorage.builder(config.walStorage)
                : SegmentedLogStorage.builder(config.walDirectory)).segmentBytes(config.segmentBytes);
        if (config.sealer != null) {
            b.sealer(config.sealer);
        }
        if (config.walListener != null) {
            b.listener(config.walListener);
        }
        return b.open();
    }

    private ColdStartRequest describeDurableState(ColdStartObserver observer) {
        Optional<SnapshotToken> token = log.snapshotToken();
        Path file = token.map(this::snapshotFile).orElse(null);
        SegmentedLogStorage l = log;
        LogTerms terms = index -> {
            try {
                return OptionalLong.of(l.term(index));
            } catch (KeelException e) {
                return OptionalLong.empty();
            }
        };
        return new ColdStartRequest(config.storeName, token, file, log.firstIndex(), log.lastIndex(), terms,
                log.hardState().commitIndex(), NodeRole.STANDALONE, config.policy, config.sealer, scrubExecutor, observer,
                ProgressListener.NONE);
    }

    /**
     * Entries after the snapshot (or from the log's start) are read; those at or below the floor
     * are duplicates, re-applied only when volatile (SPEC: "volatile entries in (S.i, have] are
     * re-applied").
     */
    private static long replayStart(ColdStartRequest request) {
        long afterSnapshot = request.snapshot().map(s -> s.index() + 1).orElse(1L);
        return Math.max(request.firstIndex(), afterSnapshot);
    }

    /** A single voter's durable entries are committed: its own log is the majority. */
    private void commitDurableTail() {
        long last = Math.max(log.lastIndex(), applyLoop.appliedIndex());
        log.setHardState(new HardState(term, HardState.NO_VOTE, last));
        commitIndex = last;
        config.listener.committed(last);
        appliedIndex = applyLoop.appliedIndex();
    }

    private void replayFrom(long from, long to) {
        long next = from;
        while (next <= to) {
            List<LogEntry> entries = log.entries(next, to + 1, READ_BYTES);
            for (LogEntry e : entries) {
                applyLoop.apply(e);
            }
            next += entries.size();
        }
    }

    private void serve() throws InterruptedException {
        List<Task> tasks = new ArrayList<>();
        while (true) {
            tasks.clear();
            tasks.add(queue.take());
            queue.drainTo(tasks, config.maxBatchProposals);
            List<Task.Proposal> proposals = new ArrayList<>();
            for (Task task : tasks) {
                if (task instanceof Task.Proposal p) {
                    proposals.add(p);
                    continue;
                }
                commitAndApply(proposals);
                proposals.clear();
                if (task instanceof Task.Stop) {
                    return;
                }
                Task.SnapshotRequest request = (Task.SnapshotRequest) task;
                try {
                    request.future().complete(takeSnapshot());
                } catch (RuntimeException e) {
                    request.future().completeExceptionally(e);
                }
            }
            commitAndApply(proposals);
            if (config.snapshotEvery > 0 && sinceSnapshot >= config.snapshotEvery && hasAppliedVersion()) {
                // Entries so far may all have been volatile (leases): then there is no version yet,
                // and the periodic snapshot simply waits for one.
                takeSnapshot();
            }
        }
    }

    /**
     * Durable, committed, applied, answered — in that order. A key rotation ends its batch: it is
     * applied, and the log told the new key, before the entries after it are sealed.
     */
    private void commitAndApply(List<Task.Proposal> proposals) {
        int from = 0;
        for (int i = 0; i < proposals.size(); i++) {
            if (proposals.get(i).rotation()) {
                commitAndApplyBatch(proposals.subList(from, i + 1));
                sealWithActiveKey();
                from = i + 1;
            }
        }
        commitAndApplyBatch(proposals.subList(from, proposals.size()));
    }

    private void commitAndApplyBatch(List<Task.Proposal> proposals) {
        if (proposals.isEmpty()) {
            return;
        }
        List<Batch> batches = pack(proposals, log.lastIndex() + 1);
        List<LogEntry> entries = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            entries.add(b.entry());
        }
        long last = entries.get(entries.size() - 1).index();
        try {
            // Durable and committed with one flush: the entries, then the hard state naming them committed.
            log.append(entries, new HardState(term, HardState.NO_VOTE, last)).join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            batches.forEach(b -> b.proposals().forEach(p -> p.future().completeExceptionally(cause)));
            throw e;
        }
        commitIndex = last;
        config.listener.committed(last);
        for (Batch b : batches) {
            byte[] result;
            try {
                result = applyLoop.apply(b.entry()).orElseThrow();
            } catch (RuntimeException e) {
                b.proposals().forEach(p -> p.future().completeExceptionally(e));
                throw e;
            }
            appliedIndex = applyLoop.appliedIndex();
            sinceSnapshot++;
            long now = System.nanoTime();
            for (Task.Proposal p : b.proposals()) {
                // Recorded before the answer, so whoever sees the answer also sees it counted.
                config.listener.proposalCompleted(now - p.submittedNanos());
                p.future().complete(result.clone());
            }
        }
    }

    /** Consecutive mergeable proposals share an entry up to the byte cap; the others get one each. */
    private List<Batch> pack(List<Task.Proposal> proposals, long firstIndex) {
        List<Batch> batches = new ArrayList<>();
        List<Task.Proposal> group = new ArrayList<>();
        long groupBytes = 0;
        for (Task.Proposal p : proposals) {
            if (!group.isEmpty() && (!p.mergeable() || groupBytes + p.payload().length > config.maxEntryBytes)) {
                batches.add(batch(group, firstIndex + batches.size()));
                group = new ArrayList<>();
                groupBytes = 0;
            }
            group.add(p);
            groupBytes += p.payload().length;
            if (!p.mergeable()) {
                batches.add(batch(group, firstIndex + batches.size()));
                group = new ArrayList<>();
                groupBytes = 0;
            }
        }
        if (!group.isEmpty()) {
            batches.add(batch(group, firstIndex + batches.size()));
        }
        return batches;
    }

    private Batch batch(List<Task.Proposal> group, long index) {
        byte[] payload;
        if (group.size() == 1) {
            payload = group.get(0).payload();
        } else {
            List<byte[]> payloads = new ArrayList<>(group.size());
            group.forEach(p -> payloads.add(p.payload()));
            payload = config.batcher.merge(payloads);
        }
        return new Batch(new LogEntry(index, term, group.get(0).type(), payload), List.copyOf(group));
    }

    private boolean hasAppliedVersion() {
        try (StoreExport export = stateMachine.exportSnapshot()) {
            return export.info().metadata().appliedIndex() > 0;
        }
    }

    private SnapshotToken takeSnapshot() {
        long t0 = System.nanoTime();
        sinceSnapshot = 0;
        Optional<SnapshotToken> existing = log.snapshotToken();
        try (StoreExport export = stateMachine.exportSnapshot()) {
            CommitMetadata metadata = export.info().metadata();
            if (existing.isPresent() && existing.get().index() >= metadata.appliedIndex()) {
                return existing.get();
            }
            if (metadata.appliedIndex() == 0) {
                throw new IllegalStateException("nothing has been applied yet; there is no version to snapshot");
            }
            SnapshotWriteOptions options = SnapshotWriteOptions.DEFAULTS;
            boolean sealed = metadata.cutoverIndex() != CommitMetadata.NO_CUTOVER;
            if (sealed) {
                if (config.sealer == null) {
                    throw new dev.keel.storage.api.crypto.CryptoException("version " + metadata.appliedIndex()
                            + " is past the encryption cutover but the engine has no sealer");
                }
                options = options.withSealing(new ChunkSealing(config.sealer, metadata.activeKeyId()));
            }
            SnapshotToken token = SnapshotWriter.write(export, snapshotFile(metadata.appliedIndex(), metadata.appliedTerm()),
                    options);
            log.setSnapshotToken(token);
            snapshotKeyId = sealed ? metadata.activeKeyId() : CommitMetadata.NO_KEY;
            log.compact(token.index());
            deleteSnapshotsOtherThan(snapshotFile(token));
            config.listener.snapshotWritten(token.index(), token.fileLength(), System.nanoTime() - t0);
            LOG.info("event=snapshot_written store={} index={} term={} bytes={}", config.storeName, token.index(),
                    token.term(), token.fileLength());
            return token;
        }
    }

    private Path snapshotFile(SnapshotToken token) {
        return snapshotFile(token.index(), token.term());
    }

    private Path snapshotFile(long index, long snapshotTerm) {
        return config.snapshotDirectory.resolve(String.format("snapshot-%020d-%d.snap", index, snapshotTerm));
    }

    /**
     * A crash while a snapshot was written leaves its temporary file (the snapshot writer's
     * {@code .snapshot-….snap.….tmp}); no snapshot is being written during open, so any is stale.
     */
    private void deleteUnfinishedSnapshotFiles() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.snapshotDirectory, ".snapshot-*.tmp")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                LOG.info("event=snapshot_temp_deleted store={} file={}", config.storeName, f);
            }
        } catch (IOException e) {
            LOG.warn("event=snapshot_cleanup_failed dir={} error=\"{}\"", config.snapshotDirectory, e.toString());
        }
    }

    private void deleteSnapshotsOtherThan(Path keep) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.snapshotDirectory, "snapshot-*.snap")) {
            for (Path f : files) {
                if (!f.equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // The token names the file to use; a stale file left behind wastes space only.
            LOG.warn("event=snapshot_cleanup_failed dir={} error=\"{}\"", config.snapshotDirectory, e.toString());
        }
    }

    private void failPending(Throwable cause) {
        Task task;
        while ((task = queue.poll()) != null) {
            if (task instanceof Task.Proposal p) {
                p.future().completeExceptionally(cause);
            } else if (task instanceof Task.SnapshotRequest s) {
                s.future().completeExceptionally(cause);
            }
        }
    }

    /**
     * Stops the engine thread (after a cold start in progress ends), fails pending proposals, stops
     * the scrub thread and closes the log and the state machine, reporting every failure (the first
     * thrown, the rest suppressed). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.add(new Task.Stop());
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        failPending(new IllegalStateException("engine closed"));
        scrubExecutor.shutdown();
        try {
            if (!scrubExecutor.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("event=scrub_still_running store={}", config.storeName);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        RuntimeException closeFailure = null;
        for (AutoCloseable c : new AutoCloseable[] {log, stateMachine}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (closeFailure == null) {
                    closeFailure = e instanceof RuntimeException re ? re : new StorageException("close failed", e);
                } else {
                    closeFailure.addSuppressed(e);
                }
            }
        }
        if (!ready.isDone()) {
            ready.completeExceptionally(new IllegalStateException("engine closed before it started"));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    private void start() {
        thread.start();
    }

    /** Work for the engine thread. */
    private sealed interface Task {
        record Proposal(byte[] payload, LogEntry.Type type, boolean mergeable, boolean rotation, long submittedNanos,
                        CompletableFuture<byte[]> future) implements Task {
        }

        record SnapshotRequest(CompletableFuture<SnapshotToken> future) implements Task {
        }

        record Stop() implements Task {
        }
    }

    /** One entry and the proposals it answers. */
    private record Batch(LogEntry entry, List<Task.Proposal> proposals) {
    }

    /** Logs one line per report, keeps the open report, forwards to the builder's observer. */
    private static final class CapturingObserver implements ColdStartObserver {
        private final String store;
        private final ColdStartObserver delegate;
        private volatile ColdStartReport report;

        CapturingObserver(String store, ColdStartObserver delegate) {
            this.store = store;
            this.delegate = delegate;
        }

        ColdStartReport report() {
            return Objects.requireNonNull(report, "restore-or-skip delivered no open report");
        }

        @Override
        public void onOpen(ColdStartReport r) {
            report = r;
            LOG.info("event=cold_start store={} outcome={} reason={} snapshotIndex={} have={} last={} floor={} commit={} "
                    + "bytesRead={} elapsedMs={}", store, r.outcome(), r.reason().label(), r.snapshotIndex(), r.have(),
                    r.lastIndex(), r.floor(), r.commitIndex(), r.bytesRead(), r.elapsed().toMillis());
            if (delegate != null) {
                delegate.onOpen(r);
            }
        }

        @Override
        public void onScrub(ScrubReport r) {
            LOG.info("event=snapshot_scrub store={} snapshotIndex={} passed={} failure=\"{}\" bytesRead={}", store,
                    r.snapshotIndex(), r.passed(), r.failure(), r.bytesRead());
            if (delegate != null) {
                delegate.onScrub(r);
            }
        }
    }

    /** Configures and opens an {@link Engine}. Not thread-safe; use once. */
    public static final class Builder {
        private Path walDirectory;
        private StorageDirectory walStorage;
        private Path snapshotDirectory;
        private StateMachine stateMachine;
        private HybridClock clock;
        private String storeName;
        private ProposalBatcher batcher = BlockBatcher.INSTANCE;
        private ColdStartObserver observer;
        private VerificationPolicy policy = VerificationPolicy.HEADER;
        private long snapshotEvery = 10_000;
        private long segmentBytes = 64L * 1024 * 1024;
        private long leaseMillis = 3_000;
        private int maxEntryBytes = 4 * 1024 * 1024;
        private int maxBatchProposals = 4096;
        private Sealer sealer;
        private WalListener walListener;
        private EngineListener listener = EngineListener.NONE;

        private Builder() {
        }

        /**
         * @param l told of every WAL batch, segment and failure (for metrics, e.g.
         *     {@link dev.keel.raft.metrics.EngineMetrics}); called on the WAL writer thread
         * @return this builder
         */
        public Builder walListener(WalListener l) {
            this.walListener = Objects.requireNonNull(l, "l");
            return this;
        }

        /**
         * @param l told of applied entries, completed proposals and snapshots (for metrics, e.g.
         *     {@link dev.keel.raft.metrics.EngineMetrics}); called on the engine thread
         * @return this builder
         */
        public Builder listener(EngineListener l) {
            this.listener = Objects.requireNonNull(l, "l");
            return this;
        }

        /**
         * Turns on encryption at rest (off by default): entries after the first {@link Engine#rotateKey}
         * are sealed in the WAL, and snapshot chunks from then on. The state machine must implement
         * {@link AppliedIndexReader}, whose metadata names the active key.
         *
         * @param s the sealer, normally a {@link dev.keel.raft.crypto.AesGcmSealer} (its seal counts are
         *     kept in the WAL's segment headers)
         * @return this builder
         */
        public Builder sealer(Sealer s) {
            this.sealer = Objects.requireNonNull(s, "s");
            return this;
        }

        /**
         * @param dir the log's directory (created if missing); this or {@link #walStorage} is required
         * @return this builder
         */
        public Builder walDirectory(Path dir) {
            this.walDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * The log's directory as an already open storage directory, instead of {@link #walDirectory}:
         * for fault injection and power-loss simulation through the file-I/O seam. The engine does not
         * close it; the caller closes it after closing the engine. Snapshot files and the store do not
         * go through it.
         *
         * @param dir the open directory holding (or to hold) the log's segments
         * @return this builder
         */
        public Builder walStorage(StorageDirectory dir) {
            this.walStorage = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param dir where snapshot files live (required; created if missing) @return this builder */
        public Builder snapshotDirectory(Path dir) {
            this.snapshotDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @param sm the state machine (required; the engine closes it) @return this builder */
        public Builder stateMachine(StateMachine sm) {
            this.stateMachine = Objects.requireNonNull(sm, "sm");
            return this;
        }

        /**
         * @param hlc the clock (default: a system clock); pass the one a {@code StoreStateMachine}
         *     raises, so leases it applies cover the timestamps {@link Engine#now()} issues
         * @return this builder
         */
        public Builder clock(HybridClock hlc) {
            this.clock = Objects.requireNonNull(hlc, "hlc");
            return this;
        }

        /** @param name the store's name in reports and logs (default: the WAL directory) @return this builder */
        public Builder storeName(String name) {
            this.storeName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param b how proposals share entries (default {@link BlockBatcher}) @return this builder */
        public Builder batcher(ProposalBatcher b) {
            this.batcher = Objects.requireNonNull(b, "b");
            return this;
        }

        /** @param o receives the cold-start and scrub reports @return this builder */
        public Builder observer(ColdStartObserver o) {
            this.observer = Objects.requireNonNull(o, "o");
            return this;
        }

        /** @param p how much of a skipped snapshot is verified before ready (default HEADER) @return this builder */
        public Builder verificationPolicy(VerificationPolicy p) {
            this.policy = Objects.requireNonNull(p, "p");
            return this;
        }

        /** @param entries applied entries between automatic snapshots; 0 disables them (default 10,000) @return this builder */
        public Builder snapshotEvery(long entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("snapshot interval must be >= 0: " + entries);
            }
            this.snapshotEvery = entries;
            return this;
        }

        /** @param bytes WAL segment size (default 64 MiB) @return this builder */
        public Builder segmentBytes(long bytes) {
            this.segmentBytes = bytes;
            return this;
        }

        /** @param millis how far ahead of the wall clock a lease reaches (default 3 s) @return this builder */
        public Builder leaseMillis(long millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("lease must be >= 1 ms: " + millis);
            }
            this.leaseMillis = millis;
            return this;
        }

        /** @param bytes payload bytes merged into one entry at most (default 4 MiB) @return this builder */
        public Builder maxEntryBytes(int bytes) {
            if (bytes < 1 || bytes > LogEntry.MAX_PAYLOAD_BYTES / 2) {
                throw new IllegalArgumentException("entry byte cap must be 1.." + LogEntry.MAX_PAYLOAD_BYTES / 2 + ": " + bytes);
            }
            this.maxEntryBytes = bytes;
            return this;
        }

        /**
         * Starts the engine thread, which runs the cold start; returns at once.
         *
         * @return the engine; wait for {@link Engine#ready()}
         * @throws NullPointerException if the WAL directory (or WAL storage), snapshot directory or state
         *     machine is missing
         * @throws IllegalArgumentException if both a WAL directory and a WAL storage directory are set
         */
        public Engine open() {
            if (walDirectory == null && walStorage == null) {
                throw new NullPointerException("walDirectory (or walStorage)");
            }
            if (walDirectory != null && walStorage != null) {
                throw new IllegalArgumentException("set the WAL's walDirectory or its walStorage, not both: "
                        + walDirectory + ", " + walStorage.describe(""));
            }
            Objects.requireNonNull(snapshotDirectory, "snapshotDirectory");
            Objects.requireNonNull(stateMachine, "stateMachine");
            if (sealer != null && !(stateMachine instanceof AppliedIndexReader)) {
                throw new IllegalArgumentException("encryption at rest needs a state machine that implements "
                        + "AppliedIndexReader (its metadata names the active key)");
            }
            if (clock == null) {
                clock = HybridClock.system();
            }
            if (storeName == null) {
                storeName = walDirectory != null ? walDirectory.toString() : walStorage.describe("");
            }
            Engine engine = new Engine(this);
            engine.start();
            return engine;
        }
    }
}
