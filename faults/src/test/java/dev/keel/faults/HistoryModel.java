package dev.keel.faults;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Commitment;
import dev.keel.storage.api.KeyValue;
import dev.keel.storage.api.KeyValueIterator;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.testkit.ReferenceModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The campaign's model of what a crash node must hold: the recovered history (the entries of the
 * applied-entry journal up to the recovered applied index, each a list of {@link CrashWorkload}
 * proposals), fed to a {@link ReferenceModel} for the content and to a fresh store of the same
 * backend for the commitment, and checked against the reopened node.
 *
 * <p>State carries over cycles: what was verified stays fed; journal records and acknowledgements
 * read since the last verification wait for the next one. Not thread-safe.
 */
final class HistoryModel implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    private final long seed;
    private final int clients;
    private final ReferenceModel model = new ReferenceModel(1, 1);
    private final VersionedStore modelStore;
    private final long[] nextSeq;
    /** Journal records read since the last verification, by index. */
    private final TreeMap<Long, AppliedEntry> pending = new TreeMap<>();
    private final List<ChildEvent.Ack> acks = new ArrayList<>();
    private long verifiedIndex;
    private long journalOffset;
    private long eventsOffset;
    private long ackedProposals;
    private long unacknowledgedRecovered;
    private long proposals;

    /**
     * @param seed the workload's seed
     * @param clients how many clients propose
     * @param backend the node's backend (the model store uses the same)
     * @param modelStoreDirectory a fresh directory for the model store
     */
    HistoryModel(long seed, int clients, String backend, Path modelStoreDirectory) {
        this.seed = seed;
        this.clients = clients;
        this.nextSeq = new long[clients];
        this.modelStore = Stores.open(backend, modelStoreDirectory, StoreOptions.defaults().withSync(false));
    }

    /** @return the applied index of the last verification, 0 before the first */
    long verifiedIndex() {
        return verifiedIndex;
    }

    /** @return acknowledged proposals found in recovered histories so far */
    long ackedProposals() {
        return ackedProposals;
    }

    /** @return proposals recovered although no acknowledgement was reported (durable, killed before the report) */
    long unacknowledgedRecovered() {
        return unacknowledgedRecovered;
    }

    /** @return proposals in verified histories */
    long proposals() {
        return proposals;
    }

    /**
     * Reads the journal lines appended since the last call.
     *
     * @param journal the applied-entry journal (its torn tail already dropped)
     * @throws AssertionError if an entry conflicts with one read before, or re-applies a verified one
     */
    void readJournal(Path journal) {
        LineFile.Chunk chunk = LineFile.readFrom(journal, journalOffset);
        journalOffset = chunk.nextOffset();
        for (String line : chunk.lines()) {
            AppliedEntry e = AppliedEntry.parse(line);
            if (e.index() <= verifiedIndex) {
                throw new AssertionError("entry " + e.index() + " was applied again after index " + verifiedIndex
                        + " had been verified and closed cleanly: the store lost a version it had");
            }
            AppliedEntry before = pending.putIfAbsent(e.index(), e);
            if (before != null && !before.equals(e)) {
                throw new AssertionError("index " + e.index() + " was applied as " + before.toLine() + " and later as "
                        + e.toLine() + ": a durable entry changed");
            }
        }
    }

    /**
     * Reads the side-channel events appended since the last call, keeping the acknowledgements.
     *
     * @param events the child-event file (its torn tail already dropped)
     * @return every event read
     */
    List<ChildEvent> readEvents(Path events) {
        LineFile.Chunk chunk = LineFile.readFrom(events, eventsOffset);
        eventsOffset = chunk.nextOffset();
        List<ChildEvent> out = new ArrayList<>(chunk.lines().size());
        for (String line : chunk.lines()) {
            ChildEvent e = ChildEvent.parse(line);
            if (e instanceof ChildEvent.Ack a) {
                acks.add(a);
            }
            out.add(e);
        }
        return out;
    }

    /**
     * Checks a reopened node (ready, idle) against the model and, if it conforms, feeds the
     * recovered entries to the model.
     *
     * @param node the reopened node
     * @param probe the log as it was just before the reopen
     * @throws AssertionError naming every departure found
     */
    void verify(CrashNode node, WalProbe probe) {
        long applied = node.engine().appliedIndex();
        VersionedStore store = node.store();
        List<String> violations = new ArrayList<>();
        if (applied != probe.last()) {
            violations.add("applied index " + applied + " after the open, but the durable log ends at " + probe.last()
                    + " (a single voter applies every durable entry)");
        }
        if (store.latestVersion() != applied || store.latest().metadata().appliedIndex() != applied) {
            violations.add("store at version " + store.latestVersion() + " with applied index "
                    + store.latest().metadata().appliedIndex() + ", engine applied index " + applied
                    + " (each entry is one version)");
        }
        if (applied < verifiedIndex) {
            violations.add("applied index " + applied + " went back behind the verified " + verifiedIndex);
        }
        for (long i = verifiedIndex + 1; i <= applied; i++) {
            if (!pending.containsKey(i)) {
                violations.add("entry " + i + " is applied but was never journaled");
                break;
            }
        }
        Map<Long, AppliedEntry> lost = pending.tailMap(applied, false);
        if (!lost.isEmpty()) {
            violations.add(lost.size() + " entries applied before the crash are missing from the recovered log, first "
                    + lost.values().iterator().next().toLine() + " (recovered applied index " + applied + ")");
        }
        List<AppliedEntry> history = new ArrayList<>(pending.subMap(verifiedIndex, false, applied, true).values());
        Set<ProposalId> recovered = new HashSet<>();
        long[] next = nextSeq.clone();
        for (AppliedEntry e : history) {
            for (ProposalId id : e.proposals()) {
                if (id.client() >= clients || id.seq() != next[id.client()]) {
                    violations.add("entry " + e.index() + " holds proposal " + id + " where client " + id.client()
                            + " was at " + (id.client() < clients ? next[id.client()] : -1)
                            + " (a client's proposals apply once each, in order)");
                } else {
                    next[id.client()]++;
                }
                recovered.add(id);
            }
        }
        Set<ProposalId> acked = new HashSet<>();
        for (ChildEvent.Ack a : acks) {
            AppliedEntry e = pending.get(a.version());
            if (a.version() <= verifiedIndex || a.version() > applied || e == null || !e.proposals().contains(a.id())) {
                violations.add("acknowledged proposal " + a.id() + " (version " + a.version() + ") is not in the recovered "
                        + "history" + (e == null ? "" : "; entry " + a.version() + " is " + e.toLine()));
            }
            acked.add(a.id());
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(String.join("\n", violations));
        }
        for (AppliedEntry e : history) {
            List<Mutation> ops = new ArrayList<>();
            for (ProposalId id : e.proposals()) {
                ops.addAll(CrashWorkload.mutations(seed, id));
            }
            ChangeSet changes = ChangeSet.of(ops);
            CommitMetadata metadata = CommitMetadata.atPosition(e.index(), e.term());
            long version = model.commit(changes, metadata);
            CommitInfo info = modelStore.commit(changes, metadata);
            if (version != e.index() || info.version() != e.index()) {
                throw new AssertionError("model versions " + version + "/" + info.version() + " for entry " + e.index());
            }
        }
        compareContent(store, applied);
        compareCommitments(store, applied);
        System.arraycopy(next, 0, nextSeq, 0, clients);
        proposals += recovered.size();
        ackedProposals += acked.size();
        recovered.removeAll(acked);
        unacknowledgedRecovered += recovered.size();
        pending.clear();
        acks.clear();
        verifiedIndex = applied;
    }

    /** Every key and value of the recovered version equals the model's: no proposal is half-present. */
    private void compareContent(VersionedStore store, long version) {
        List<KeyValue> expected = model.latest().entries();
        Iterator<KeyValue> want = expected.iterator();
        int n = 0;
        try (StoreView view = store.view(version); KeyValueIterator got = view.scan(null, null)) {
            while (got.hasNext() || want.hasNext()) {
                KeyValue g = got.hasNext() ? got.next() : null;
                KeyValue w = want.hasNext() ? want.next() : null;
                if (g == null || w == null || !Arrays.equals(g.key(), w.key()) || !Arrays.equals(g.value(), w.value())) {
                    throw new AssertionError("version " + version + " differs from the model of its recovered history"
                            + " at pair " + n + ": store has " + describe(g) + ", model has " + describe(w)
                            + " (a proposal half-present, lost, or applied without being in the history)");
                }
                n++;
            }
        }
    }

    /** The latest commitment, and that of every version both stores retain, equals the model store's. */
    private void compareCommitments(VersionedStore store, long applied) {
        Commitment node = store.commitment();
        Commitment fed = modelStore.commitment();
        if (!node.equals(fed)) {
            throw new AssertionError("commitment at version " + applied + " is " + describe(node)
                    + ", the model store fed the recovered history has " + describe(fed) + "\n"
                    + thirdOpinion(store, modelStore, applied, model.latest().entries()));
        }
        long from = Math.max(1, Math.max(store.oldestRetainedVersion(), modelStore.oldestRetainedVersion()));
        for (long v = from; v <= applied; v++) {
            try (StoreView a = store.view(v); StoreView b = modelStore.view(v)) {
                if (!a.commitment().equals(b.commitment())) {
                    throw new AssertionError("commitment at retained version " + v + " is " + describe(a.commitment())
                            + ", the model store's is " + describe(b.commitment()));
                }
                if (a.metadata().appliedIndex() != v) {
                    throw new AssertionError("version " + v + " records applied index " + a.metadata().appliedIndex());
                }
            }
        }
    }

    /**
     * When the node and the model store disagree, says which one is wrong and since when: both
     * asked again, the first version both retain where they differ, and the commitment of the
     * model's content (equal to the node's, compareContent has checked) computed from scratch
     * with Bouncy Castle. Never throws: a failure here is appended, so it cannot hide the
     * mismatch being reported.
     *
     * @param node the node's store
     * @param model the model store
     * @param applied the latest version of both
     * @param content the model's pairs at {@code applied}
     */
    static String thirdOpinion(VersionedStore node, VersionedStore model, long applied, List<KeyValue> content) {
        StringBuilder out = new StringBuilder();
        try {
            out.append("asked again: node ").append(describe(node.commitment())).append(", model store ")
                    .append(describe(model.commitment()));
            long from = Math.max(1, Math.max(node.oldestRetainedVersion(), model.oldestRetainedVersion()));
            for (long v = from; v <= applied; v++) {
                try (StoreView a = node.view(v); StoreView b = model.view(v)) {
                    if (!a.commitment().equals(b.commitment())) {
                        out.append("; the first retained version that differs is ").append(v).append(" (both retain ")
                                .append(from).append(" on): node ").append(describe(a.commitment()))
                                .append(", model store ").append(describe(b.commitment()));
                        break;
                    }
                }
            }
            if (model.commitmentScheme().equals(Commitment.LTHASH16_BLAKE3)) {
                out.append("; the model's content hashed from scratch: ").append(describe(ReferenceLtHash.of(content)));
            }
        } catch (RuntimeException e) {
            out.append("; the comparison stopped: ").append(e);
        }
        return out.toString();
    }

    private static String describe(KeyValue kv) {
        return kv == null ? "nothing" : new String(kv.key(), StandardCharsets.US_ASCII) + "="
                + HEX.formatHex(kv.value());
    }

    private static String describe(Commitment c) {
        return c.scheme() + ":" + HEX.formatHex(c.bytes());
    }

    @Override
    public void close() {
        modelStore.close();
    }
}
