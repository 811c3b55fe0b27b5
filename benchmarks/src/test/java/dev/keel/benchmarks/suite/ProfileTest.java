package dev.keel.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.Options;

class ProfileTest {
    @Test
    void theDigestRunsAsManyOperationsPerInvocationAsItsStoreHasKeys() {
        // LogicalDigestBenchmark fails its set-up otherwise: one invocation digests every key.
        for (Profile p : Profile.values()) {
            RunSettings s = p.settings(BenchmarkGroup.LOGICAL_DIGEST);
            List<String> keys = s.params().get("keys");
            assertEquals(1, keys.size(), p + " runs one store size");
            assertEquals(Integer.valueOf(keys.get(0)), s.operationsPerInvocation(), p.id());
        }
    }

    @Test
    void theFullProfileRunsSpecSectionSevenSizes() {
        assertEquals(List.of("64", "1024"), Profile.FULL.settings(BenchmarkGroup.COLD_START).params().get("size"));
        assertEquals(List.of("1000000"), Profile.FULL.settings(BenchmarkGroup.LOGICAL_DIGEST).params().get("keys"));
        // The other groups keep their classes' defaults: 1M keys, 128 B and 1 KiB entries, both sync settings.
        assertTrue(Profile.FULL.settings(BenchmarkGroup.COMMIT_THROUGHPUT).params().isEmpty());
        assertTrue(Profile.FULL.settings(BenchmarkGroup.WAL_APPEND).params().isEmpty());
    }

    @Test
    void everyGroupSelectsOnlyItsOwnClass() {
        for (BenchmarkGroup g : BenchmarkGroup.values()) {
            Options o = Suite.options(Profile.QUICK, g, Path.of("x.json"));
            assertEquals(List.of(g.includePattern()), o.getIncludes());
            String own = g.benchmarkClass().getName() + ".run";
            assertTrue(java.util.regex.Pattern.compile(g.includePattern()).matcher(own).find(), own);
            for (BenchmarkGroup other : BenchmarkGroup.values()) {
                if (other != g) {
                    String name = other.benchmarkClass().getName() + ".run";
                    assertTrue(!java.util.regex.Pattern.compile(g.includePattern()).matcher(name).find(),
                            g.id() + " must not select " + name);
                }
            }
        }
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkGroup.byId("wal"));
        assertTrue(e.getMessage().contains("wal-append"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Profile.byId("medium"));
    }
}
