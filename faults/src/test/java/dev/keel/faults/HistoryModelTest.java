package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.statemachine.Command;
import dev.keel.raft.statemachine.CommandCodec;
import dev.keel.raft.statemachine.StoreStateMachine;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.coldstart.ColdStartObserver;
import dev.keel.storage.api.coldstart.ColdStartReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks the campaign relies on find what they are meant to find, on a node that was not killed. */
class HistoryModelTest {
    private static final long SEED = 20_251_121L;

    @TempDir
    Path dir;

    /** A node without snapshots, its model, and the side channel a child would write. */
    private final class Fixture implements AutoCloseable {
        final HistoryModel model;
        final CrashNode node;
        final LineFile events;

        Fixture(String backend) throws Exception {
            model = new HistoryModel(SEED, 4, backend, dir.resolve("model-store"));
            node = CrashNode.open(new NodeSettings(backend, 1_000, 8 * 1024, false, 40, 8), dir.resolve("node"),
                    dir.resolve(CrashChild.JOURNAL_FILE), new ColdStartObserver() {
                        @Override
                        public void onOpen(ColdStartReport report) {
                        }
                    });
            node.engine().ready().get(60, TimeUnit.SECONDS);
            events = LineFile.openForAppend(dir.resolve(CrashChild.EVENTS_FILE));
        }

        long propose(byte[] payload) throws Exception {
            CompletableFuture<byte[]> f = node.engine().propose(payload);
            return StoreStateMachine.versionOf(f.get(60, TimeUnit.SECONDS));
        }

        long proposeAndAck(ProposalId id) throws Exception {
            long version = propose(CrashWorkload.payload(SEED, id));
            events.append(new ChildEvent.Ack(id, version).toLine());
            return version;
        }

        void verify() {
            model.readEvents(dir.resolve(CrashChild.EVENTS_FILE));
            model.readJournal(dir.resolve(CrashChild.JOURNAL_FILE));
            long applied = node.engine().appliedIndex();
            model.verify(node, new WalProbe(1, applied, node.engine().commitIndex(), -1));
        }

        @Override
        public void close() {
            try (events; model) {
                node.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", "tree"})
    void acceptsANodeHoldingExactlyItsJournaledProposalsAcrossVerifications(String backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.proposeAndAck(new ProposalId(0, 0));
            f.proposeAndAck(new ProposalId(1, 0));
            f.propose(CrashWorkload.payload(SEED, new ProposalId(0, 1)));
            f.verify();
            assertEquals(3, f.model.verifiedIndex());
            assertEquals(2, f.model.ackedProposals());
            assertEquals(1, f.model.unacknowledgedRecovered(), "0:1 was applied without an acknowledgement");
            assertEquals(4, f.proposeAndAck(new ProposalId(1, 1)));
            f.verify();
            assertEquals(4, f.model.proposals());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", "tree"})
    void namesAnAcknowledgedProposalTheRecoveredHistoryLacks(String backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            long version = f.proposeAndAck(new ProposalId(0, 0));
            f.events.append(new ChildEvent.Ack(new ProposalId(1, 0), version).toLine());
            AssertionError e = assertThrows(AssertionError.class, f::verify);
            assertTrue(e.getMessage().contains("acknowledged proposal 1:0 (version 1) is not in the recovered history"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", "tree"})
    void namesAProposalAppliedOnlyInPart(String backend) throws Exception {
        ProposalId id = new ProposalId(0, 0);
        List<Mutation> whole = CrashWorkload.mutations(SEED, id);
        assertTrue(whole.size() >= 3, "the test needs a proposal with two data operations or more: " + whole.size());
        try (Fixture f = new Fixture(backend)) {
            f.propose(CommandCodec.encode(new Command.Block(whole.subList(0, 2))));
            AssertionError e = assertThrows(AssertionError.class, f::verify);
            assertTrue(e.getMessage().contains("half-present"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", "tree"})
    void namesAnEntryAppliedBeforeTheCrashThatTheRecoveredLogLacks(String backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.proposeAndAck(new ProposalId(0, 0));
            try (LineFile journal = LineFile.openForAppend(dir.resolve(CrashChild.JOURNAL_FILE))) {
                journal.append(new AppliedEntry(2, 1, List.of(new ProposalId(1, 0))).toLine());
            }
            AssertionError e = assertThrows(AssertionError.class, f::verify);
            assertTrue(e.getMessage().contains("missing from the recovered log"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", "tree"})
    void namesAProposalAppliedTwice(String backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.proposeAndAck(new ProposalId(0, 0));
            f.proposeAndAck(new ProposalId(0, 0));
            AssertionError e = assertThrows(AssertionError.class, f::verify);
            assertTrue(e.getMessage().contains("holds proposal 0:0 where client 0 was at 1"), e.getMessage());
        }
    }
}
