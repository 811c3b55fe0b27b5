package dev.keel.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keel.storage.api.ChangeSet;
import dev.keel.storage.api.StoreView;
import dev.keel.storage.api.Stores;
import dev.keel.storage.api.VersionMismatchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DifferentialReplayTest {
    @TempDir
    Path tmp;

    @Test
    void passesWhenFlatkvAndTreeReplayTheSameGeneratedHistory() {
        long seed = Seeds.seed("passesWhenFlatkvAndTreeReplayTheSameGeneratedHistory");
        ShardResult r = DifferentialReplay.flatkvVersusTree(ParityOptions.defaults().withEvery(7))
                .replay(new GeneratedHistory(seed, 60), tmp, (d, t) -> { });
        assertEquals(Verdict.PASSED, r.verdict(), String.valueOf(r.divergence()));
        // 0, 7, 14, ..., 56 and the last version 60.
        assertEquals(10, r.comparisons());
        assertNotNull(r.endDigest());
    }

    @Test
    void namesTheVersionKeyAndBothValuesOfAPutDroppedAtVersion17() {
        long seed = Seeds.seed("namesTheVersionKeyAndBothValuesOfAPutDroppedAtVersion17");
        // One generated version in fifty is empty, and a put may rewrite a value unchanged: the fault
        // needs version 17 to put a value of several random bytes, so such a seed moves to the next.
        while (new GeneratedHistory(seed, 30).batch(17).effective().stream().noneMatch(m -> m.isPut() && m.value().length >= 8)) {
            seed++;
        }
        AtomicReference<DroppingStore> faulty = new AtomicReference<>();
        ParitySide tree = new ParitySide("tree", (dir, options) -> {
            DroppingStore s = new DroppingStore(Stores.open("tree", dir, options), 17);
            faulty.set(s);
            return s;
        });
        // every = 1: a put dropped at 17 may be overwritten by chance later; comparing each
        // version makes the test independent of the seed.
        ShardResult r = new DifferentialReplay(ParitySide.backend("flatkv"), tree, ParityOptions.defaults().withEvery(1))
                .replay(new GeneratedHistory(seed, 30), tmp, (d, t) -> { });

        assertEquals(Verdict.DIVERGED, r.verdict());
        Divergence d = r.divergence();
        assertEquals(17, d.version());
        assertArrayEquals(faulty.get().droppedKey, d.key());
        assertArrayEquals(faulty.get().droppedValue, d.leftValue());
        assertArrayEquals(faulty.get().keptValue, d.rightValue());
        assertEquals(18, r.comparisons()); // versions 0..16 matched, 17 did not
    }

    @Test
    void locatesTheFirstDivergentVersionBetweenTwoComparisons() {
        // Hand-made history: the key dropped at 17 is never written again, so the comparison at
        // 20 sees it and the walk back over 11..19 must name 17.
        List<ChangeSet> batches = new ArrayList<>();
        for (int v = 1; v <= 25; v++) {
            batches.add(ChangeSet.builder().put(new byte[] {(byte) v, 1}, new byte[] {(byte) v}).build());
        }
        ParitySide tree = new ParitySide("tree", (dir, options) -> new DroppingStore(Stores.open("tree", dir, options), 17));
        ShardResult r = new DifferentialReplay(ParitySide.backend("flatkv"), tree, ParityOptions.defaults().withEvery(10))
                .replay(new RecordedHistory(batches, "hand-made"), tmp, (d, t) -> { });

        assertEquals(Verdict.DIVERGED, r.verdict());
        assertEquals(17, r.divergence().version());
        assertEquals("1101", HexFormat.of().formatHex(r.divergence().key()));
        assertEquals("11", HexFormat.of().formatHex(r.divergence().bucketPrefix()));
        assertArrayEquals(new byte[] {17}, r.divergence().leftValue());
        assertNull(r.divergence().rightValue());
        assertNull(r.endDigest());
    }

    @Test
    void refusesToCompareWhenOneSideServesANeighbourVersion() {
        ParitySide lagging = new ParitySide("tree", (dir, options) -> new ForwardingStore(Stores.open("tree", dir, options)) {
            @Override
            public StoreView view(long version) {
                return delegate.view(Math.max(0, version - 1));
            }
        });
        DifferentialReplay replay = new DifferentialReplay(ParitySide.backend("flatkv"), lagging, ParityOptions.defaults());
        assertThrows(VersionMismatchException.class, () -> replay.replay(new GeneratedHistory(1, 12), tmp, (d, t) -> { }));
    }
}
