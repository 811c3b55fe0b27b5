package dev.keel.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.storage.api.Stores;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShardedParityTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(ShardStart.class)
    void shardsChainAndEndOnTheDigestOfAnUnshardedRun(ShardStart start) throws InterruptedException {
        long seed = Seeds.seed("shardsChainAndEndOnTheDigestOfAnUnshardedRun(" + start + ")");
        GeneratedHistory history = new GeneratedHistory(seed, 90);
        ParityOptions options = ParityOptions.defaults().withEvery(10).withStart(start);

        ParityReport report = new ShardedParity(DifferentialReplay.flatkvVersusTree(options))
                .run(history, 3, null, 2, tmp.resolve("sharded"), (d, t) -> { });
        ShardResult whole = DifferentialReplay.flatkvVersusTree(options).replay(history, tmp.resolve("whole"), (d, t) -> { });

        assertEquals(Verdict.PASSED, report.verdict(), ParityManifest.toJson(report));
        assertEquals(List.of(new ParityReport.Link(1, true), new ParityReport.Link(2, true)), report.links());
        assertEquals(whole.endDigest(), report.shards().get(2).endDigest());
        assertEquals(List.of(0L, 30L, 60L), report.shards().stream().map(ShardResult::fromVersion).toList());
    }

    @Test
    void shardsNotRunAreReportedAsNotRunAndTheRunIsNotPassed() throws InterruptedException {
        ParityReport report = new ShardedParity(DifferentialReplay.flatkvVersusTree(ParityOptions.defaults()))
                .run(new GeneratedHistory(7, 40), 4, Set.of(0, 2), 2, tmp, (d, t) -> { });

        assertEquals(List.of(Verdict.PASSED, Verdict.NOT_RUN, Verdict.PASSED, Verdict.NOT_RUN),
                report.shards().stream().map(ShardResult::verdict).toList());
        assertEquals(Verdict.NOT_RUN, report.verdict());
    }

    @Test
    void mergingManifestsOfShardsRunApartGivesTheVerdictOfTheWholeRun() throws InterruptedException {
        GeneratedHistory history = new GeneratedHistory(11, 40);
        ShardedParity parity = new ShardedParity(DifferentialReplay.flatkvVersusTree(ParityOptions.defaults()));
        ParityReport here = parity.run(history, 2, Set.of(0), 1, tmp.resolve("a"), (d, t) -> { });
        ParityReport elsewhere = parity.run(history, 2, Set.of(1), 1, tmp.resolve("b"), (d, t) -> { });

        ParityReport merged = ParityReport.merge(List.of(ParityManifest.fromJson(ParityManifest.toJson(here)),
                ParityManifest.fromJson(ParityManifest.toJson(elsewhere))));

        assertEquals(Verdict.PASSED, merged.verdict());
        assertEquals(List.of(new ParityReport.Link(1, true)), merged.links());
    }

    @Test
    void shardsOfDifferentHistoriesBreakTheChain() throws InterruptedException {
        ShardedParity parity = new ShardedParity(DifferentialReplay.flatkvVersusTree(ParityOptions.defaults()));
        ParityReport a = parity.run(new GeneratedHistory(1, 40), 2, Set.of(0), 1, tmp.resolve("a"), (d, t) -> { });
        ParityReport b = parity.run(new GeneratedHistory(2, 40), 2, Set.of(1), 1, tmp.resolve("b"), (d, t) -> { });
        // Same plan shape, other seed: relabel b as the same history to force the merge.
        ParityReport relabelled = new ParityReport(a.history(), b.versions(), b.every(), b.depth(), b.shards());

        ParityReport merged = ParityReport.merge(List.of(a, relabelled));

        assertEquals(Verdict.DIVERGED, merged.verdict());
        assertFalse(merged.links().get(0).intact());
    }

    @Test
    void aPlantedDivergenceFailsItsShardAndTheRun() throws InterruptedException {
        ParitySide tree = new ParitySide("tree", (dir, options) -> new DroppingStore(Stores.open("tree", dir, options), 33));
        ParityReport report = new ShardedParity(new DifferentialReplay(ParitySide.backend("flatkv"), tree,
                ParityOptions.defaults().withEvery(1))).run(new GeneratedHistory(5, 40), 2, null, 2, tmp, (d, t) -> { });

        assertEquals(Verdict.PASSED, report.shards().get(0).verdict());
        assertEquals(Verdict.DIVERGED, report.shards().get(1).verdict());
        assertEquals(33, report.shards().get(1).divergence().version());
        assertEquals(Verdict.DIVERGED, report.verdict());
        assertTrue(ParityManifest.toJson(report).contains("\"version\": 33"));
    }

    @Test
    void manifestRoundTripsEveryField() throws InterruptedException {
        ParitySide tree = new ParitySide("tree", (dir, options) -> new DroppingStore(Stores.open("tree", dir, options), 3));
        ParityReport report = new ShardedParity(new DifferentialReplay(ParitySide.backend("flatkv"), tree,
                ParityOptions.defaults().withEvery(1))).run(new GeneratedHistory(9, 20), 3, Set.of(0, 1), 2, tmp, (d, t) -> { });

        ParityReport back = ParityManifest.fromJson(ParityManifest.toJson(report));

        assertEquals(report, back);
        assertEquals(ParityManifest.toJson(report), ParityManifest.toJson(back));
    }

    @Test
    void malformedManifestIsATypedError() {
        assertThrows(ManifestFormatException.class, () -> ParityManifest.fromJson("{\"format\": \"other\"}"));
        assertThrows(ManifestFormatException.class, () -> ParityManifest.fromJson("{\"format\": "));
    }

    @Test
    void deepNestingIsATypedErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> ParityManifest.fromJson(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void integersBeyondAnIntAreRejectedNotWrapped() {
        ShardResult shard = new ShardResult(0, 0, 10, Verdict.PASSED, "aa", "bb", 1, null, null);
        String json = ParityManifest.toJson(new ParityReport("h", 10, 10, 2, List.of(shard)));
        String wrapped = json.replaceFirst("\"every\": 10", "\"every\": 4294967306");
        assertFalse(wrapped.equals(json), "the manifest names its interval as expected");
        ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> ParityManifest.fromJson(wrapped));
        assertTrue(e.getMessage().contains("\"every\""), e.getMessage());
    }
}
