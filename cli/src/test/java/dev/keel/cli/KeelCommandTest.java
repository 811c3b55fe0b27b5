package dev.keel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.cli.fakestore.FakeStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeelCommandTest {
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @TempDir
    Path tmp;

    @AfterEach
    void clearLogLevelSetByVerbose() {
        System.clearProperty(LOG_LEVEL_PROPERTY);
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        KeelInvocation run = KeelInvocation.run("--help");
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains("demo"), run.describe());
        assertTrue(run.out().contains("replay"), run.describe());
        assertTrue(run.out().contains("Exit codes"), run.describe());
    }

    @Test
    void versionNamesTheBuildVersionAndTheBackendsFound() {
        KeelInvocation run = KeelInvocation.run("--version");
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().matches("(?s)keel \\d+\\.\\d+\\.\\d+.*"), run.describe());
        assertFalse(run.out().contains("${"), "the version resource is filtered: " + run.describe());
        assertTrue(run.out().contains("backends: ") && run.out().contains(FakeStoreProvider.NAME), run.describe());
    }

    @Test
    void noCommandIsAUsageError() {
        KeelInvocation run = KeelInvocation.run();
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: a command is required"), run.describe());
        assertEquals("", run.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        KeelInvocation run = KeelInvocation.run("frobnicate");
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: "), run.describe());
        assertTrue(run.err().contains("frobnicate"), run.describe());
    }

    @Test
    void unknownOptionIsAUsageErrorPointingToTheCommandsHelp() {
        KeelInvocation run = KeelInvocation.run("demo", "--no-such-option");
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: Unknown option: '--no-such-option'"), run.describe());
        assertTrue(run.err().contains("Try 'keel demo --help'"), run.describe());
    }

    @Test
    void keelErrorIsOneLineOnStderrWithoutStackTrace() throws IOException {
        KeelInvocation run = KeelInvocation.run("replay", "--backend", "no-such-backend",
                "--dir", tmp.resolve("store").toString(), "--ops", emptyOpsFile().toString());
        assertEquals(1, run.exitCode(), run.describe());
        assertEquals(1, run.errLines().size(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no storage backend named 'no-such-backend'"), run.describe());
        assertEquals("", run.out());
    }

    @Test
    void verboseAfterTheCommandAddsTheStackTrace() throws IOException {
        KeelInvocation run = KeelInvocation.run("replay", "--backend", "no-such-backend",
                "--dir", tmp.resolve("store").toString(), "--ops", emptyOpsFile().toString(), "--verbose");
        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("keel: error: no storage backend named 'no-such-backend'"), run.describe());
        assertTrue(run.err().contains("\tat dev.keel.storage.api.Stores"), run.describe());
    }

    @Test
    void verboseBeforeTheCommandAddsTheStackTrace() throws IOException {
        KeelInvocation run = KeelInvocation.run("--verbose", "replay", "--backend", "no-such-backend",
                "--dir", tmp.resolve("store").toString(), "--ops", emptyOpsFile().toString());
        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.err().contains("\tat dev.keel.storage.api.Stores"), run.describe());
    }

    private Path emptyOpsFile() throws IOException {
        return Files.writeString(tmp.resolve("empty.ops"), "# nothing\n");
    }
}
