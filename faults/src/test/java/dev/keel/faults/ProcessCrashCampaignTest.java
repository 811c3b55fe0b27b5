package dev.keel.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 6, "process killed at any instant": a standalone engine in a child JVM under
 * concurrent proposal load is killed with SIGKILL at random instants, many times on one data
 * directory, and after each kill every acknowledged proposal is present, no proposal is half
 * present, and the commitment equals a model's (see {@code faults/README.md}).
 *
 * <p>{@code -Dkeel.faults.cycles=N} sets the kills per backend (default 50, the CI profile);
 * {@code -Dkeel.faults.seed=S} replays a seed's schedule and content. The seed is printed first.
 */
class ProcessCrashCampaignTest {
    private static final int CI_CYCLES = 50;
    /** One seed for every backend of a run, so one number replays the whole run. */
    private static final long SEED = Long.getLong("keel.faults.seed", System.nanoTime() ^ 0x5DEECE66DL);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flatkv", "tree"})
    void everyAcknowledgedProposalSurvivesSigkillAtRandomInstants(String backend) {
        long seed = SEED;
        int cycles = Integer.getInteger("keel.faults.cycles", CI_CYCLES);
        System.out.println("process-crash campaign: backend=" + backend + " seed=" + seed + " cycles=" + cycles
                + " (replay: -Dkeel.faults.seed=" + seed + ")");
        CrashCampaign.Result result = new CrashCampaign(NodeSettings.campaign(backend), seed,
                CrashCampaign.Plan.standard(cycles), dir).run();
        System.out.println("process-crash campaign passed: " + result.summary());
        assertEquals(cycles, result.kills());
        assertTrue(result.verifications() >= 1, "the last kill is always followed by a check");
        assertTrue(result.acked() > 0, "the load acknowledged proposals that the checks then found: " + result.summary());
    }
}
