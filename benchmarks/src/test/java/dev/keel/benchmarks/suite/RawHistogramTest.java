package dev.keel.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.benchmarks.report.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawHistogramTest {
    @TempDir
    Path tmp;

    @Test
    void rawHistogramsAreDroppedAndEverythingElseIsKept() throws Exception {
        Path file = tmp.resolve("wal-append.json");
        Files.writeString(file, """
                [{"benchmark": "x.WalAppendBenchmark.keelWal", "mode": "sample", "threads": 16,
                  "primaryMetric": {"score": 286.5, "scoreUnit": "us/op",
                    "scorePercentiles": {"50.0": 264.0, "99.0": 600.0},
                    "rawDataHistogram": [[[[250.0, 3], [260.0, 9]]]]},
                  "secondaryMetrics": {"gc": {"score": 1.0, "rawDataHistogram": [[[1.0, 2]]]}}}]
                """, StandardCharsets.UTF_8);

        Suite.dropRawHistograms(file);

        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertFalse(text.contains("rawDataHistogram"), text);
        Map<?, ?> run = (Map<?, ?>) ((List<?>) Json.parse(text)).get(0);
        Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
        assertEquals(286.5, ((Number) primary.get("score")).doubleValue());
        assertEquals(600.0, ((Number) ((Map<?, ?>) primary.get("scorePercentiles")).get("99.0")).doubleValue());
        assertEquals("x.WalAppendBenchmark.keelWal", run.get("benchmark"));
        assertTrue(((Map<?, ?>) run.get("secondaryMetrics")).containsKey("gc"));
    }

    @Test
    void aMissingOrEmptyFileIsLeftAlone() throws Exception {
        Suite.dropRawHistograms(tmp.resolve("absent.json"));
        Path empty = Files.createFile(tmp.resolve("empty.json"));
        Suite.dropRawHistograms(empty);
        assertEquals(0, Files.size(empty));
    }
}
