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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keel demo} run in-process in a temporary directory. Cases for {@code flatkv} need the real
 * backend on the test class path; {@code cli-fake} pins the same behaviour without it, and its
 * injected faults show that each check can fail.
 */
class DemoCommandTest {
    // Enough versions for the historical check to look 50 versions back inside one run.
    private static final int VERSIONS = 60;

    @TempDir
    Path tmp;

    @AfterEach
    void forgetFakeStores() {
        FakeStoreProvider.forget(demoDir().resolve(FakeStoreProvider.NAME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void smallDemoCommitsReopensAndPassesItsChecks(String backend) {
        KeelInvocation run = demo(backend, "--versions", Integer.toString(VERSIONS));

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.err().contains("demo: new " + backend + " store in "), run.describe());
        assertTrue(run.out().contains("versions     1.." + VERSIONS + " committed by this run"), run.describe());
        assertTrue(run.out().contains("latest       version " + VERSIONS + ", "), run.describe());
        assertTrue(run.out().contains("checks       passed"), run.describe());
        assertTrue(run.out().contains("at versions " + VERSIONS + " and " + (VERSIONS - DemoCommand.HISTORY_DEPTH)),
                run.describe());
        try (VersionedStore store = open(backend)) {
            CommitInfo latest = store.latest();
            assertEquals(VERSIONS, latest.version());
            assertEquals(VERSIONS, latest.metadata().appliedIndex());
            assertTrue(run.out().contains(latest.commitment().hex()), "the summary shows the latest commitment");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void secondRunContinuesFromTheLatestVersion(String backend) {
        KeelInvocation first = demo(backend, "--versions", Integer.toString(VERSIONS));
        assertEquals(0, first.exitCode(), first.describe());

        KeelInvocation second = demo(backend, "--versions", "15");

        assertEquals(0, second.exitCode(), second.describe());
        assertTrue(second.err().contains("already holds version " + VERSIONS + "; continuing from version "
                + (VERSIONS + 1)), second.describe());
        assertTrue(second.out().contains("versions     " + (VERSIONS + 1) + ".." + (VERSIONS + 15)
                + " committed by this run (15), continuing the existing store"), second.describe());
        try (VersionedStore store = open(backend)) {
            assertEquals(VERSIONS + 15, store.latestVersion());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flatkv", FakeStoreProvider.NAME})
    void resetStartsAgainFromAnEmptyStore(String backend) {
        KeelInvocation first = demo(backend, "--versions", "20");
        assertEquals(0, first.exitCode(), first.describe());

        KeelInvocation reset = demo(backend, "--versions", "5", "--reset");

        assertEquals(0, reset.exitCode(), reset.describe());
        assertTrue(reset.err().contains("(--reset)"), reset.describe());
        try (VersionedStore store = open(backend)) {
            assertEquals(5, store.latestVersion());
        }
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(FakeStoreProvider.Fault.LOSE_LAST_COMMIT_ON_REOPEN, "latest version after reopen"),
                Arguments.of(FakeStoreProvider.Fault.WRONG_COMMITMENT_IN_VIEWS, "historical commitments"),
                Arguments.of(FakeStoreProvider.Fault.LATEST_DATA_IN_VIEWS, "historical values"));
    }

    @ParameterizedTest(name = "{0} fails check ''{1}''")
    @MethodSource("faults")
    void storeThatLosesOrMixesVersionsFailsTheCheckThatCatchesIt(FakeStoreProvider.Fault fault, String check) {
        FakeStoreProvider.inject(demoDir().resolve(FakeStoreProvider.NAME), fault);

        KeelInvocation run = demo(FakeStoreProvider.NAME, "--versions", Integer.toString(VERSIONS));

        assertEquals(1, run.exitCode(), run.describe());
        String lastErrLine = run.errLines().get(run.errLines().size() - 1);
        assertTrue(lastErrLine.startsWith("keel: error: demo check failed: " + check + ": "), run.describe());
        assertEquals("", run.out(), "no summary after a failed check");
    }

    @Test
    void refusesADirectoryItDidNotCreateEvenWithReset() throws IOException {
        Path precious = Files.writeString(Files.createDirectories(demoDir()).resolve("precious.txt"), "keep me");

        KeelInvocation run = demo(FakeStoreProvider.NAME, "--versions", "5", "--reset");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: " + demoDir() + " is not empty and was not created by keel demo"),
                run.describe());
        assertEquals("keep me", Files.readString(precious));
        assertFalse(Files.exists(demoDir().resolve(DemoCommand.MARKER_FILE)));
    }

    @Test
    void usesAnEmptyDirectoryItDidNotCreate() throws IOException {
        Files.createDirectories(demoDir());

        KeelInvocation run = demo(FakeStoreProvider.NAME, "--versions", "3");

        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(Files.exists(demoDir().resolve(DemoCommand.MARKER_FILE)));
    }

    @Test
    void unknownBackendFailsBeforeTouchingTheDisk() {
        KeelInvocation run = demo("no-such-backend", "--versions", "3");

        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no storage backend named 'no-such-backend'"), run.describe());
        assertFalse(Files.exists(demoDir()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "many"})
    void versionsThatAreNotAPositiveNumberAreAUsageError(String versions) {
        KeelInvocation run = demo(FakeStoreProvider.NAME, "--versions", versions);

        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: "), run.describe());
        assertFalse(Files.exists(demoDir()));
    }

    private KeelInvocation demo(String backend, String... args) {
        String[] all = Stream.concat(Stream.of("demo", "--backend", backend, "--dir", demoDir().toString()),
                Stream.of(args)).toArray(String[]::new);
        return KeelInvocation.run(all);
    }

    private VersionedStore open(String backend) {
        return Stores.open(backend, demoDir().resolve(backend), StoreOptions.defaults());
    }

    private Path demoDir() {
        return tmp.resolve("demo");
    }
}
