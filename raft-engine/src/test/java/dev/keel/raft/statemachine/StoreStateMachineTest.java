package dev.keel.raft.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.raft.clock.HybridClock;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.Membership;
import dev.keel.storage.api.Mutation;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import dev.keel.storage.api.consensus.LogEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreStateMachineTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private StoreStateMachine open(String backend) {
        return new StoreStateMachine(Stores.open(backend, dir.resolve(backend), StoreOptions.defaults()),
                new HybridClock(() -> 0));
    }

    private static LogEntry normal(long index, Command c) {
        return new LogEntry(index, 2, LogEntry.Type.NORMAL, CommandCodec.encode(c));
    }

    @Test
    void everyNonVolatileEntryIsOneVersionCarryingItsPositionAndLeasesAreNone() {
        for (String backend : List.of("flatkv", "tree")) {
            try (StoreStateMachine sm = open(backend)) {
                VersionedStore store = sm.store();
                long v1 = StoreStateMachine.versionOf(sm.apply(normal(1, new Command.Block(List.of(Mutation.put(b("a"), b("1")))))));
                assertEquals(1, v1);
                byte[] lease = sm.apply(normal(2, new Command.HlcLease(HybridClock.pack(5000, 0))));
                assertEquals(-1, StoreStateMachine.versionOf(lease));
                assertEquals(1, store.latestVersion(), backend + ": a lease creates no version");
                Membership members = new Membership(List.of("n1", "n2"), List.of("n3"));
                sm.apply(new LogEntry(3, 2, LogEntry.Type.CONFIG, CommandCodec.encode(new Command.MembershipChange(members))));
                sm.apply(normal(4, new Command.KeyRotation(9)));
                assertEquals(3, store.latestVersion());
                CommitMetadata m = store.latest().metadata();
                assertEquals(4, m.appliedIndex());
                assertEquals(2, m.appliedTerm());
                assertEquals(HybridClock.pack(5000, 0), m.hlcCeiling(), backend + ": the next version carries the lease");
                assertEquals(members, m.membership());
                assertEquals(9, m.activeKeyId());
                assertEquals(4, m.cutoverIndex(), "the first rotation is the cutover");
                assertArrayEquals(b("1"), store.get(b("a")).orElseThrow());
                assertEquals(store.view(1).commitment(), store.commitment(), backend
                        + ": config and rotation commit empty change sets");
            }
        }
    }

    @Test
    void configEntriesMustCarryAMembershipChangeAndNormalOnesMustNot() {
        try (StoreStateMachine sm = open("flatkv")) {
            assertThrows(MalformedCommandException.class, () -> sm.apply(new LogEntry(1, 1, LogEntry.Type.CONFIG,
                    CommandCodec.encode(new Command.KeyRotation(1)))));
            assertThrows(MalformedCommandException.class, () -> sm.apply(normal(1,
                    new Command.MembershipChange(Membership.NONE))));
            assertThrows(MalformedCommandException.class, () -> sm.apply(new LogEntry(1, 1, LogEntry.Type.NORMAL, b("junk"))));
            assertTrue(sm.store().isEmpty(), "nothing was committed");
        }
    }

    @Test
    void refusesToReapplyANonVolatileDuplicate() {
        try (StoreStateMachine sm = open("flatkv")) {
            sm.apply(normal(1, new Command.Block(List.of(Mutation.put(b("a"), b("1"))))));
            assertThrows(IllegalStateException.class, () -> sm.apply(normal(1, new Command.Block(List.of()))));
            assertEquals(1, sm.store().latestVersion());
        }
    }

    @Test
    void appliedMetadataIsAbsentForAnEmptyStoreOrOneWrittenWithoutConsensus() {
        try (StoreStateMachine sm = open("flatkv")) {
            assertTrue(sm.appliedMetadata().isEmpty());
            sm.store().commit(ChangeSet.builder().put(b("x"), b("y")).build(), CommitMetadata.EMPTY);
            assertTrue(sm.appliedMetadata().isEmpty(), "applied index 0 records no position");
            sm.apply(normal(1, new Command.Block(List.of())));
            assertEquals(1, sm.appliedMetadata().orElseThrow().appliedIndex());
        }
    }

    @Test
    void classifiesOnlyLeasesAsVolatile() {
        try (StoreStateMachine sm = open("flatkv")) {
            assertTrue(sm.isVolatile(normal(1, new Command.HlcLease(1))));
            assertFalse(sm.isVolatile(normal(1, new Command.Block(List.of()))));
            assertFalse(sm.isVolatile(normal(1, new Command.KeyRotation(1))));
        }
    }

    @Test
    void snapshotHeaderMergeOnlyMovesForward() {
        try (StoreStateMachine sm = open("flatkv")) {
            Membership own = new Membership(List.of("own"), List.of());
            sm.apply(new LogEntry(1, 1, LogEntry.Type.CONFIG, CommandCodec.encode(new Command.MembershipChange(own))));
            CommitMetadata header = new CommitMetadata(1, 1, HybridClock.pack(9000, 0), 1, 3,
                    new Membership(List.of("header"), List.of()), new byte[0]);
            sm.applySnapshotHeader(header);
            assertEquals(HybridClock.pack(9000, 0), sm.clock().ceiling(), "a higher header ceiling wins");
            assertEquals(own, sm.membership(), "the store's membership wins where it has one");
            assertEquals(3, sm.currentMetadata().activeKeyId(), "the header's key fills in where the store has none");
            assertEquals(1, sm.currentMetadata().cutoverIndex());
            sm.applySnapshotHeader(header.withHlcCeiling(HybridClock.pack(10, 0)));
            assertEquals(HybridClock.pack(9000, 0), sm.clock().ceiling(), "a lower header ceiling never lowers it");
            sm.apply(normal(2, new Command.Block(List.of())));
            assertEquals(HybridClock.pack(9000, 0), sm.store().latest().metadata().hlcCeiling(), "the merge is persisted");
            assertEquals(3, sm.store().latest().metadata().activeKeyId());
        }
    }

    @Test
    void restartTakesMembershipAndCeilingFromTheStoreMetadata() {
        Membership members = new Membership(List.of("a"), List.of("b"));
        Path path = dir.resolve("restart");
        try (StoreStateMachine sm = new StoreStateMachine(Stores.open("flatkv", path, StoreOptions.defaults()),
                new HybridClock(() -> 0))) {
            sm.apply(normal(1, new Command.HlcLease(HybridClock.pack(777, 1))));
            sm.apply(new LogEntry(2, 1, LogEntry.Type.CONFIG, CommandCodec.encode(new Command.MembershipChange(members))));
        }
        try (StoreStateMachine sm = new StoreStateMachine(Stores.open("flatkv", path, StoreOptions.defaults()),
                new HybridClock(() -> 0))) {
            assertEquals(members, sm.membership());
            assertEquals(HybridClock.pack(777, 1), sm.clock().ceiling());
        }
    }
}
