package dev.keel.storage.flatkv.lthash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flatkv's commitments stay right when C2 compiles the commit with the hash's output inlined.
 *
 * <p>On OpenJDK 17.0.15, with {@code Blake3Xof} writing its output words through an {@code int}
 * view of a new array, C2 compiled {@code FlatKvStore.writeVersion} so that from some version on
 * every commitment {@code commit} returned was 32 zero bytes (the copy {@code Commitment} takes
 * read the array as still zero). A CI run of the process-crash campaign met the same symptom once
 * with default flags. Under the flags below it showed in about half the runs of {@value #VERSIONS} commits
 * (from about version 1,500 to 2,600 on); with the output written byte by byte it never did in
 * 26 runs of 5,000 to 20,000 commits. Each attempt here is a child JVM with those flags running
 * {@link CommitmentProbe}; the test
 * fails at the first commitment that differs from a Bouncy Castle recomputation. Whether C2
 * takes the bad shape varies from run to run, so a single attempt could miss a regression; four
 * attempts miss it in about one build in sixteen.
 */
class CommitmentUnderC2InliningTest {
    static final int VERSIONS = 5_000;
    private static final int ATTEMPTS = 4;
    private static final String HASHER = Blake3Xof.class.getName();
    /** C2 only, with the hash's output path forced inline into the commit. */
    private static final List<String> FLAGS = List.of("-XX:-TieredCompilation", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=inline," + HASHER + "::xof",
            "-XX:CompileCommand=inline," + HASHER + "::hash",
            "-XX:CompileCommand=inline," + HASHER + "::writeOutput",
            "-XX:CompileCommand=inline," + HASHER + "::writeBlock",
            "-XX:CompileCommand=inline," + HASHER + "::<init>",
            "-XX:CompileCommand=inline,dev.keel.storage.flatkv.LtHashLanes::commitment",
            "-XX:CompileCommand=inline," + LtHash16.class.getName() + "::checksum");

    @TempDir
    Path dir;

    /** HotSpot ignores a pattern that names no method, so a rename would quietly stop the forcing. */
    @Test
    void everyForcedInlineNamesAnExistingMethod() throws ClassNotFoundException {
        for (String flag : FLAGS) {
            if (!flag.startsWith("-XX:CompileCommand=inline,")) {
                continue;
            }
            String target = flag.substring("-XX:CompileCommand=inline,".length());
            Class<?> owner = Class.forName(target.substring(0, target.indexOf("::")));
            String method = target.substring(target.indexOf("::") + 2);
            boolean found = method.equals("<init>") ? owner.getDeclaredConstructors().length > 0
                    : java.util.Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(method));
            assertTrue(found, flag + " names no method of " + owner.getName());
        }
    }

    @Test
    void everyCommitmentAgreesWithTheReferenceUnderAggressiveInlining() throws IOException, InterruptedException {
        long seed = TestSeeds.seed("CommitmentUnderC2InliningTest");
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java binary"));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(FLAGS);
            command.addAll(List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), CommitmentProbe.class.getName(),
                    Long.toString(seed + attempt), Integer.toString(VERSIONS), dir.resolve("store-" + attempt).toString()));
            Path log = dir.resolve("attempt-" + attempt + ".log");
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = child.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (!finished) {
                throw new AssertionError("attempt " + attempt + " did not finish in 120 s: " + output);
            }
            System.out.println("attempt " + attempt + ": " + output);
            assertEquals(0, child.exitValue(), "attempt " + attempt + " under " + FLAGS + ": " + output);
        }
    }
}
