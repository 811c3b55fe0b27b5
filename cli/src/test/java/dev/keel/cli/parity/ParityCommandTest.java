package dev.keel.cli.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.parity.ParityManifest;
import dev.keel.parity.ParityReport;
import dev.keel.parity.Verdict;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keel digest} and {@code keel parity} run in-process against the real backends. */
class ParityCommandTest {
    @TempDir
    Path tmp;

    @Test
    void digestPrintsTheSameLinesForFlatkvAndTreeHoldingTheSamePairs() {
        for (String backend : List.of("flatkv", "tree")) {
            try (VersionedStore s = Stores.open(backend, tmp.resolve(backend), StoreOptions.defaults())) {
                s.commit(ChangeSet.builder().put(HexFormat.of().parseHex("0101"), new byte[] {1})
                        .put(HexFormat.of().parseHex("02"), new byte[0]).build(), CommitMetadata.EMPTY);
            }
        }
        KeelInvocation flat = KeelInvocation.run("digest", "--backend", "flatkv", "--dir", tmp.resolve("flatkv").toString(), "--version", "1");
        KeelInvocation tree = KeelInvocation.run("digest", "--backend", "tree", "--dir", tmp.resolve("tree").toString(), "--version", "1");

        assertEquals(0, flat.exitCode(), flat.describe());
        assertEquals(flat.out(), tree.out());
        List<String> lines = flat.out().lines().toList();
        assertEquals(4, lines.size(), flat.out());
        assertTrue(lines.get(0).startsWith("bucket 01 1 "), lines.get(0));
        assertTrue(lines.get(1).startsWith("bucket 02 1 "), lines.get(1));
        assertEquals("keys 2", lines.get(2));
        assertTrue(lines.get(3).matches("digest [0-9a-f]{64}"), lines.get(3));
    }

    @Test
    void parityOfAnEngineWalPassesAndCountsOneVersionPerNonVolatileEntry() {
        Path wal = tmp.resolve("wal");
        try (dev.keel.raft.wal.SegmentedLogStorage log = dev.keel.raft.wal.SegmentedLogStorage.builder(
                java.nio.file.Files.isDirectory(wal) ? wal : createDirectory(wal)).open()) {
            long index = 0;
            for (int v = 0; v < 12; v++) {
                byte[] payload = v == 5
                        ? dev.keel.raft.statemachine.CommandCodec.encode(new dev.keel.raft.statemachine.Command.HlcLease(1_000))
                        : dev.keel.raft.statemachine.CommandCodec.encode(new dev.keel.raft.statemachine.Command.Block(List.of(
                                dev.keel.storage.api.Mutation.put(new byte[] {(byte) v}, new byte[] {(byte) (v * 3)}),
                                dev.keel.storage.api.Mutation.delete(new byte[] {(byte) (v - 2)}))));
                log.append(List.of(new dev.keel.storage.api.consensus.LogEntry(++index, 1,
                        dev.keel.storage.api.consensus.LogEntry.Type.NORMAL, payload))).join();
            }
        }
        KeelInvocation run = KeelInvocation.run("parity", "--wal", wal.toString(), "--every", "1");

        assertEquals(0, run.exitCode(), run.describe());
        // 12 entries less one lease make versions 1..11; version 0 is compared too.
        assertTrue(run.out().lines().anyMatch(l -> l.matches("0\\s+0\\.\\.11\\s+12\\s+passed.*")), run.describe());
        assertTrue(run.out().contains("verdict: passed"), run.describe());
    }

    private static Path createDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void digestOfAVersionTheStoreDoesNotHoldExitsOneWithoutOutput() {
        try (VersionedStore s = Stores.open("tree", tmp.resolve("t"), StoreOptions.defaults())) {
            s.commit(ChangeSet.builder().put(new byte[] {1}, new byte[] {1}).build(), CommitMetadata.EMPTY);
        }
        KeelInvocation run = KeelInvocation.run("digest", "--backend", "tree", "--dir", tmp.resolve("t").toString(), "--version", "2");

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("expected version 2, found 1"), run.err());
    }

    @Test
    void parityOfAGeneratedHistoryPassesAndWritesAChainedManifest() throws IOException {
        Path manifest = tmp.resolve("parity.json");
        KeelInvocation run = KeelInvocation.run("parity", "--generate", "42,60", "--every", "5", "--shards", "3",
                "--manifest", manifest.toString(), "--work-dir", tmp.resolve("work").toString());

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("verdict: passed"), run.out());
        ParityReport report = ParityManifest.fromJson(Files.readString(manifest));
        assertEquals(Verdict.PASSED, report.verdict());
        assertEquals(3, report.shards().size());
        assertEquals(2, report.links().size());
    }

    @Test
    void parityOfAnOperationsFilePassesOnBothBackends() throws IOException {
        Path ops = Files.writeString(tmp.resolve("h.ops"), """
                set 01 aa
                set 0102 ""
                commit
                remove 01
                set ff 00
                commit
                """);
        KeelInvocation run = KeelInvocation.run("parity", "--ops", ops.toString(), "--every", "1");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("0..2"), run.out());
    }

    @Test
    void parityRequiresExactlyOneHistory() {
        KeelInvocation run = KeelInvocation.run("parity", "--every", "3");
        assertEquals(2, run.exitCode(), run.describe());
        KeelInvocation both = KeelInvocation.run("parity", "--generate", "1,10", "--ops", "x.ops");
        assertEquals(2, both.exitCode(), both.describe());
    }
}
