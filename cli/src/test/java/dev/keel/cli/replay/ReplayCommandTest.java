package dev.keel.cli.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.KeelInvocation;
import dev.keel.cli.fakestore.FakeStoreProvider;
import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.CommitMetadata;
import dev.keel.storage.api.StoreOptions;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionedStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keel replay} run in-process. Tests that name {@code flatkv} need the real backend on the
 * test class path; the same behaviour is also pinned against the test-only {@code cli-fake}
 * backend, which does not depend on any backend module.
 */
class ReplayCommandTest {
    private static final HexFormat HEX = HexFormat.of();
    /** The first batch of lthash-basic.ops: two inserts. */
    private static final String FIRST_BATCH = """
            set 6b657931 76616c756531
            set 6b657932 76616c756532
            commit
            """;

    @TempDir
    Path tmp;

    @AfterEach
    void forgetFakeStores() {
        FakeStoreProvider.forget(tmp.resolve("store"));
    }

    @Test
    void printsExactlyTheExpectedCommitmentsOfTheFlatkvVector() throws IOException, URISyntaxException {
        Path ops = resource("vectors/lthash-basic.ops");
        String expected = Files.readString(resource("vectors/lthash-basic.expected"), StandardCharsets.US_ASCII);

        KeelInvocation run = replay("flatkv", ops);

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(expected, run.out());
    }

    @Test
    void badLineInTheSecondBatchLeavesExactlyTheFirstBatchCommittedInFlatkv() throws IOException, URISyntaxException {
        String firstExpectedLine = Files.readAllLines(resource("vectors/lthash-basic.expected")).get(0);

        String printed = assertBadLineInSecondBatchLeavesFirstBatch("flatkv");

        assertEquals(firstExpectedLine + "\n", printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void badLineInTheSecondBatchLeavesExactlyTheFirstBatchCommitted(String backend) throws IOException {
        assertBadLineInSecondBatchLeavesFirstBatch(backend);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void badLineInTheFirstBatchCommitsNothing(String backend) throws IOException {
        Path ops = Files.writeString(tmp.resolve("bad.ops"), "set 01 02\nremove zz\ncommit\n");

        KeelInvocation run = replay(backend, ops);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("keel: error: line 2: key is not hex"), run.describe());
        try (VersionedStore store = reopen(backend)) {
            assertEquals(0, store.latestVersion());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void operationsAfterTheLastCommitAreNotCommitted(String backend) throws IOException {
        Path ops = Files.writeString(tmp.resolve("trailing.ops"), FIRST_BATCH + "set 6b657931 00\nremove 6b657932\n");

        KeelInvocation run = replay(backend, ops);

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(1, run.out().lines().count(), run.describe());
        assertTrue(run.err().contains("keel: warning: 2 operations after the last commit (from line 4) not committed"),
                run.describe());
        try (VersionedStore store = reopen(backend)) {
            assertEquals(1, store.latestVersion());
            assertArrayEquals(bytes("76616c756531"), store.get(bytes("6b657931")).orElseThrow());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void emptyValueIsCommittedAsAValueDistinctFromAbsence(String backend) throws IOException {
        Path ops = Files.writeString(tmp.resolve("empty-value.ops"), "set 01 \"\"\ncommit\nremove 01\ncommit\n");

        KeelInvocation run = replay(backend, ops);

        assertEquals(0, run.exitCode(), run.describe());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.describe());
        assertFalse(lines.get(0).substring("version 1 ".length()).equals(lines.get(1).substring("version 2 ".length())),
                "an empty value and an absent key must not share a commitment: " + run.describe());
        try (VersionedStore store = reopen(backend)) {
            assertEquals(Optional.empty(), store.get(bytes("01")));
            try (var view = store.view(1)) {
                assertArrayEquals(new byte[0], view.get(bytes("01")).orElseThrow());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void refusesAStoreThatAlreadyHoldsVersions(String backend) throws IOException {
        try (VersionedStore store = reopen(backend)) {
            store.commit(ChangeSet.builder().put(bytes("01"), bytes("02")).build(), CommitMetadata.EMPTY);
        }
        Path ops = Files.writeString(tmp.resolve("ok.ops"), FIRST_BATCH);

        KeelInvocation run = replay(backend, ops);

        assertEquals(1, run.exitCode(), run.describe());
        assertEquals("", run.out());
        assertTrue(run.err().contains("already holds version 1; replay needs an empty store"), run.describe());
        try (VersionedStore store = reopen(backend)) {
            assertEquals(1, store.latestVersion());
        }
    }

    @Test
    void missingOperationsFileIsAnError() {
        KeelInvocation run = replay(FakeStoreProvider.NAME, tmp.resolve("no-such.ops"));

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: cannot read the operations file "), run.describe());
        assertTrue(run.err().contains("(no such file)"), run.describe());
        assertFalse(Files.exists(tmp.resolve("store")), "nothing is created before the input is known to be readable");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        KeelInvocation run = KeelInvocation.run("replay", "--backend", FakeStoreProvider.NAME);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: Missing required options: '--dir=<dir>', '--ops=<file>'"),
                run.describe());
    }

    private String assertBadLineInSecondBatchLeavesFirstBatch(String backend) throws IOException {
        // Line 5 is bad; lines 4 and 6 belong to the same (second) batch.
        Path ops = Files.writeString(tmp.resolve("bad-second-batch.ops"),
                FIRST_BATCH + "set 6b657931 76616c756532\nsett 6b657932 00\ncommit\n");

        KeelInvocation run = replay(backend, ops);

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.out().matches("version 1 [0-9a-f]+\n"), run.describe());
        List<String> errLines = run.errLines();
        assertEquals("keel: error: line 5: unknown operation 'sett' (expected set, remove or commit)",
                errLines.get(errLines.size() - 1), run.describe());
        String printedCommitment = run.out().strip().substring("version 1 ".length());
        try (VersionedStore store = reopen(backend)) {
            assertEquals(1, store.latestVersion());
            assertEquals(printedCommitment, store.commitment().hex());
            assertArrayEquals(bytes("76616c756531"), store.get(bytes("6b657931")).orElseThrow(),
                    "the update in the failed batch was not committed");
        }
        return run.out();
    }

    private KeelInvocation replay(String backend, Path ops) {
        return KeelInvocation.run("replay", "--backend", backend, "--dir", tmp.resolve("store").toString(),
                "--ops", ops.toString());
    }

    private VersionedStore reopen(String backend) {
        return Stores.open(backend, tmp.resolve("store"), StoreOptions.defaults());
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ReplayCommandTest.class.getClassLoader().getResource(name).toURI());
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }
}
