package dev.keel.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.cli.fakestore.FakeStoreProvider;
import dev.keel.storage.api.CommitInfo;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keel demo} run in-process in a temporary directory, on the real backends, with sizes small
 * enough for a unit test but large enough for periodic snapshots, an on-demand one and a log tail.
 */
class DemoCommandTest {
    private static final String[] SMALL = {"--blocks", "60", "--block-size", "20", "--clients", "3", "--snapshot-every", "8"};
    private static final Pattern COMMITMENT = Pattern.compile("(?m)^  commitment   ([a-z0-9-]+):([0-9a-f]+)$");
    private static final Pattern APPLIED = Pattern.compile("(?m)^  state        applied index ([0-9,]+), ");

    @TempDir
    Path tmp;

    @AfterEach
    void forgetFakeStores() {
        FakeStoreProvider.forget(demoDir().resolve(FakeStoreProvider.NAME).resolve("store"));
    }

    @Test
    void bothBackendsSkipThenRestoreToTheSameCommitmentAndAppliedIndex() {
        KeelInvocation run = demo(SMALL);

        assertEquals(0, run.exitCode(), run.describe());
        String out = run.out();
        assertTrue(out.startsWith("keel demo: 60 blocks of 20 operations from 3 clients, through the engine, into "
                + "flatkv and tree\n  directory    " + demoDir() + "\n"), run.describe());
        assertEquals(2, count(out, "  open         FRESH: an empty node without a snapshot"), run.describe());
        assertEquals(2, count(out, "  restart      SKIPPED: the store is at index "), run.describe());
        assertEquals(2, count(out, "  restore      store moved aside: FALLBACK (missing_meta): "), run.describe());
        assertEquals(2, count(out, "background scrub of the snapshot at "), run.describe());
        assertTrue(out.contains(": passed, "), run.describe());
        assertTrue(out.contains("  parity       flatkv and tree hold the same "), run.describe());
        assertTrue(out.contains("  checks       passed: "), run.describe());
        assertEquals(0, count(run.err(), "keel: error"), run.describe());

        List<PrintedCommitment> commitments = COMMITMENT.matcher(out).results().map(PrintedCommitment::new).toList();
        List<Long> applied = APPLIED.matcher(out).results().map(m -> Long.parseLong(m.group(1).replace(",", ""))).toList();
        assertEquals(2, commitments.size(), run.describe());
        assertEquals(2, applied.size(), run.describe());
        for (int i = 0; i < 2; i++) {
            String backend = DemoCommand.DEFAULT_BACKENDS.get(i);
            PrintedCommitment c = commitments.get(i);
            assertTrue(out.contains(summaryRowStart(backend, applied.get(i))), "summary row of " + backend + "\n" + out);
            assertTrue(out.contains(c.hex() + "\n"), "the summary shows the commitment of " + backend);
            // What the demo printed is what the restored store on disk holds.
            try (VersionedStore store = Stores.open(backend, demoDir().resolve(backend).resolve("store"),
                    StoreOptions.defaults())) {
                CommitInfo latest = store.latest();
                assertEquals(c.scheme(), latest.commitment().scheme());
                assertEquals(c.hex(), latest.commitment().hex(), backend);
                assertEquals(applied.get(i), latest.metadata().appliedIndex(), backend);
            }
            assertFalse(Files.exists(demoDir().resolve(backend).resolve("store.moved-aside")),
                    "the store moved aside is deleted after the comparison");
        }
    }

    @Test
    void encryptTurnsSealingOnBeforeTheFirstBlockAndEveryRestartStillReachesTheSameState() throws IOException {
        KeelInvocation run = demo(Stream.concat(Stream.of("--backend", "flatkv", "--encrypt"), Stream.of(SMALL))
                .toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("  encryption   on from index 1 (the rotation entry, the cutover)"), run.describe());
        assertTrue(run.out().contains("  restart      SKIPPED"), run.describe());
        assertTrue(run.out().contains("  checks       passed: "), run.describe());
        assertTrue(Files.exists(demoDir().resolve("keys").resolve("1.key")));
        Path node = demoDir().resolve("flatkv");
        try (Stream<Path> files = Files.list(node.resolve("snapshots"))) {
            Path snapshot = files.filter(f -> f.getFileName().toString().endsWith(".snap")).findFirst().orElseThrow();
            var token = dev.keel.snapshot.format.SnapshotVerifier.ownToken(snapshot);
            assertTrue(dev.keel.snapshot.format.SnapshotVerifier.verify(snapshot, token,
                    dev.keel.storage.api.coldstart.VerificationPolicy.HEADER).header().isSealed(), "the snapshot is sealed");
        }
        KeelInvocation dump = KeelInvocation.run("wal", "dump", node.resolve("wal").toString());
        assertEquals(0, dump.exitCode(), dump.describe());
        List<String> entries = dump.out().lines().filter(l -> l.startsWith("entry ")).toList();
        assertFalse(entries.isEmpty(), dump.describe());
        for (String entry : entries) {
            boolean cutover = entry.startsWith("entry index 1 ");
            assertEquals(!cutover, entry.endsWith(" sealed key-id 1"),
                    "the cutover entry is in clear, every later one sealed: " + entry + "\n" + dump.describe());
        }
        assertTrue(entries.stream().anyMatch(l -> l.endsWith(" sealed key-id 1")), dump.describe());
    }

    @Test
    void oneBackendRunsAloneWithoutAParityCheck() {
        KeelInvocation run = demo(Stream.concat(Stream.of("--backend", "tree"), Stream.of(SMALL)).toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("into tree\n"), run.describe());
        assertEquals(1, count(run.out(), "  restart      SKIPPED"), run.describe());
        assertFalse(run.out().contains("  parity"), run.describe());
        assertFalse(Files.exists(demoDir().resolve("flatkv")));
    }

    @Test
    void everyRunStartsAfreshInItsOwnDirectory() {
        KeelInvocation first = demo(Stream.concat(Stream.of("--backend", "flatkv"), Stream.of(SMALL)).toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.describe());

        KeelInvocation second = demo(Stream.concat(Stream.of("--backend", "flatkv"), Stream.of(SMALL)).toArray(String[]::new));

        assertEquals(0, second.exitCode(), second.describe());
        assertTrue(second.out().contains("  directory    " + demoDir() + " (the previous run's data was deleted)\n"),
                second.describe());
        assertTrue(second.out().contains("  open         FRESH"), second.describe());
    }

    @Test
    void refusesADirectoryItDidNotCreate() throws IOException {
        Path precious = Files.writeString(Files.createDirectories(demoDir()).resolve("precious.txt"), "keep me");

        KeelInvocation run = demo(SMALL);

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: " + demoDir() + " is not empty and was not created by keel demo"),
                run.describe());
        assertEquals("keep me", Files.readString(precious));
        assertFalse(Files.exists(demoDir().resolve(DemoDirectory.MARKER_FILE)));
    }

    @Test
    void usesAnEmptyDirectoryItDidNotCreate() throws IOException {
        Files.createDirectories(demoDir());

        KeelInvocation run = demo(Stream.concat(Stream.of("--backend", "flatkv"), Stream.of(SMALL)).toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(Files.exists(demoDir().resolve(DemoDirectory.MARKER_FILE)));
    }

    @Test
    void unknownBackendFailsBeforeTouchingTheDisk() {
        KeelInvocation run = demo("--backend", "flatkv,no-such-backend");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no storage backend named 'no-such-backend'"), run.describe());
        assertFalse(Files.exists(demoDir()));
    }

    @Test
    void backendThatCannotSnapshotStopsTheDemoWithItsReason() {
        // The test backend keeps versions but cannot export them, so the engine's first snapshot fails.
        KeelInvocation run = demo(Stream.concat(Stream.of("--backend", FakeStoreProvider.NAME), Stream.of(SMALL))
                .toArray(String[]::new));

        assertEquals(1, run.exitCode(), run.describe());
        String lastErrLine = run.errLines().get(run.errLines().size() - 1);
        assertTrue(lastErrLine.startsWith("keel: error: "), run.describe());
        assertTrue(lastErrLine.contains("not needed by the CLI tests"), run.describe());
        assertFalse(run.out().contains("checks       passed"), run.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--blocks=1", "--blocks=0", "--blocks=many", "--block-size=0", "--clients=0", "--clients=65",
        "--snapshot-every=1", "--versions=10", "--reset"})
    void settingsOutOfRangeAreAUsageError(String setting) {
        KeelInvocation run = demo(setting);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: "), run.describe());
        assertFalse(Files.exists(demoDir()));
    }

    private static String summaryRowStart(String backend, long applied) {
        return String.format("  %-8s %7s %8s  ", backend, "60", String.format("%,d", applied));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private KeelInvocation demo(String... args) {
        String[] all = Stream.concat(Stream.of("demo", "--dir", demoDir().toString()), Stream.of(args))
                .toArray(String[]::new);
        return KeelInvocation.run(all);
    }

    private Path demoDir() {
        return tmp.resolve("demo");
    }

    /** A commitment line of the output. */
    private record PrintedCommitment(String scheme, String hex) {
        PrintedCommitment(java.util.regex.MatchResult m) {
            this(m.group(1), m.group(2));
        }
    }
}
