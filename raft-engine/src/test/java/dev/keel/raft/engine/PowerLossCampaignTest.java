package dev.keel.raft.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss campaign (SPEC sections 6 and 8): the engine runs under concurrent proposers — both
 * backends, encryption on and off — and the power is cut at a chosen point (a WAL batch being
 * forced, a segment rollover, a store commit, a snapshot being written or logged, a
 * compaction, a random instant), sometimes again while the engine cold-starts on what the first
 * cut left (WAL repair, restore, replay, the tail's commit). The WAL keeps only forced bytes and
 * may tear its last write; the store is rolled back to a version no older than its last durable
 * one. After the reopen, every acknowledged proposal is there, no proposal is half there, the
 * applied index and the data agree, the commitment equals that of a fresh store fed the recovered
 * history, the cold-start outcome is the decision table's, and no HLC timestamp is issued twice.
 * See {@link PowerLossCycle}.
 *
 * <p>Sizes: {@value #CI_CYCLES} cycles by default (the CI profile);
 * {@code -Dkeel.powerloss.cycles=5000} runs a long campaign. Each cycle prints its seed;
 * {@code -Dkeel.powerloss.seed=S} reruns that cycle (with {@code -Dkeel.powerloss.cycles=N}, N
 * times: the seed fixes the scenario, not the threads' interleaving), and
 * {@code -Dkeel.powerloss.base=B} replays a whole campaign's sequence of seeds;
 * {@code -Dkeel.powerloss.trace=true} prints each cycle's steps (they are always in a failure's message).
 */
class PowerLossCampaignTest {
    static final int CI_CYCLES = 100;

    @TempDir
    Path dir;

    @Test
    void acknowledgedProposalsSurvivePowerCutsAnywhereAndRecoveryMatchesTheModel() throws Exception {
        Long single = Long.getLong("keel.powerloss.seed");
        int cycles = Integer.getInteger("keel.powerloss.cycles", single != null ? 1 : CI_CYCLES);
        long base = Long.getLong("keel.powerloss.base", System.nanoTime());
        System.out.println("PowerLossCampaignTest cycles=" + cycles + (single != null ? " seed=" + single
                : " base=" + base + " (rerun all with -Dkeel.powerloss.base=" + base + ")"));
        SplittableRandom seeds = new SplittableRandom(base);
        Summary summary = new Summary();
        long t0 = System.nanoTime();
        for (int c = 0; c < cycles; c++) {
            long seed = single != null ? single : seeds.nextLong();
            PowerLossCycle.Params params = PowerLossCycle.Params.draw(seed);
            Path root = dir.resolve("cycle-" + c);
            PowerLossCycle cycle = new PowerLossCycle(params, root);
            PowerLossCycle.Result result;
            try {
                result = cycle.run();
            } catch (Throwable t) {
                throw new AssertionError("power-loss cycle " + c + " failed: " + t.getMessage()
                        + "\n  seed=" + seed + " (rerun with -Dkeel.powerloss.seed=" + seed + ")"
                        + "\n  " + params.describe() + "\n" + cycle.trace(), t);
            } finally {
                PowerLossCycle.deleteRecursively(root);
            }
            System.out.println("cycle " + c + " seed=" + seed + " " + params.backend()
                    + (params.encryption() ? "+aes" : "") + (params.storeSync() ? "+sync" : "") + " aim=" + params.load()
                    + (params.reopen() == null ? "" : "," + params.reopen()) + " " + result.describe());
            if (Boolean.getBoolean("keel.powerloss.trace")) {
                System.out.print(cycle.trace());
            }
            summary.add(params, result);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        System.out.println("PowerLossCampaignTest: " + cycles + " cycles in " + seconds + " s\n" + summary);
        if (single == null && cycles >= 50) {
            // A campaign whose cuts never land where they aim tests little: most must land.
            assertTrue(summary.fallbacks * 4 < cycles, "only " + (cycles - summary.fallbacks) + " of " + cycles
                    + " cycles cut where they aimed\n" + summary);
        }
    }

    /** Counts per point and outcome. */
    private static final class Summary {
        final Map<CrashPoint, Integer> loadCuts = new EnumMap<>(CrashPoint.class);
        final Map<CrashPoint, Integer> reopenCuts = new EnumMap<>(CrashPoint.class);
        final Map<String, Integer> outcomes = new TreeMap<>();
        final Map<String, Integer> setups = new TreeMap<>();
        int anyInstant;
        int fallbacks;
        int storeReverted;
        int withSnapshot;
        int temporaryFiles;

        void add(PowerLossCycle.Params p, PowerLossCycle.Result r) {
            setups.merge(p.backend() + (p.encryption() ? "+aes" : "") + (p.storeSync() ? "+syncedStore" : ""), 1,
                    Integer::sum);
            loadCuts.merge(r.loadCut(), 1, Integer::sum);
            if (r.reopenCut() != null) {
                reopenCuts.merge(r.reopenCut(), 1, Integer::sum);
            }
            outcomes.merge(r.outcome() + (r.reason().label().equals("none") ? "" : "(" + r.reason().label() + ")"), 1,
                    Integer::sum);
            anyInstant += r.aimedAnyInstant() ? 1 : 0;
            fallbacks += r.loadCut() == CrashPoint.IDLE || r.reopenCut() == CrashPoint.REOPEN_READY ? 1 : 0;
            storeReverted += r.storeReverted() ? 1 : 0;
            withSnapshot += r.snapshot() ? 1 : 0;
            temporaryFiles += r.temporaryFiles() > 0 ? 1 : 0;
        }

        @Override
        public String toString() {
            return "  setups: " + setups + "\n"
                    + "  cuts under load: " + loadCuts + " (" + anyInstant + " aimed at a random instant)\n"
                    + "  cuts during reopen: " + reopenCuts + "\n"
                    + "  final cold-start outcomes: " + outcomes + "\n"
                    + "  aim not reached (cut when idle instead): " + fallbacks + "; store lost versions it had at the cut: "
                    + storeReverted + "; recovered log names a snapshot: " + withSnapshot + "\n"
                    + "  final reboots that found a temporary file of an interrupted snapshot write: " + temporaryFiles;
        }
    }
}
