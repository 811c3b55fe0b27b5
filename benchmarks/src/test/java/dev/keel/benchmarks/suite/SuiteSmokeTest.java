package dev.keel.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.benchmarks.report.Report;
import dev.keel.benchmarks.report.Row;
import dev.keel.benchmarks.report.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's smoke run: every benchmark of every group once, with tiny parameters and one short
 * iteration in this JVM, then the report over its results. Asserts that every group produced
 * results, that the report has a row with data for every figure of every group and names every
 * group, and that the charts are SVG files. No speed is asserted: the numbers mean nothing.
 */
class SuiteSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyBenchmarkRunsAndTheReportCoversEveryGroup() throws IOException {
        Path results = dir.resolve("results");
        Path docs = dir.resolve("docs");

        Suite.SuiteRun run = Suite.run(Profile.SMOKE, results, List.of(BenchmarkGroup.values()), "smoke test", System.out);

        assertTrue(run.passed(), () -> "failed groups: " + run.groups().stream().filter(g -> !g.passed())
                .map(g -> g.group().id() + ": " + g.failure()).collect(Collectors.joining("; ")));
        for (BenchmarkGroup g : BenchmarkGroup.values()) {
            Path json = results.resolve(g.resultFile());
            assertTrue(Files.size(json) > 0, () -> g.id() + " wrote no results to " + json);
        }
        String machine = Files.readString(results.resolve("machine.json"), StandardCharsets.UTF_8);
        assertTrue(machine.contains("\"profile\": \"smoke\"") && machine.contains("\"cores\""), machine);

        Report.Rendered report = Report.render(results, docs);

        String table = Files.readString(report.table(), StandardCharsets.UTF_8);
        for (BenchmarkGroup g : BenchmarkGroup.values()) {
            assertTrue(table.contains(g.className()), () -> "results.md does not name " + g.className());
            assertTrue(report.rows().stream().anyMatch(r -> r.group() == g),
                    () -> "the report has no row for " + g.id());
        }
        List<Row> missing = report.rows().stream().filter(r -> r.verdict() == Verdict.NO_DATA).toList();
        assertEquals(List.of(), missing, "every figure has data after a full smoke run");
        Set<String> charts = report.charts().stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("cold-start.svg", "snapshot-export.svg", "wal-append-128.svg", "commit-throughput.svg",
                "logical-digest.svg", "engine-proposals.svg"), charts);
        for (Path chart : report.charts()) {
            String svg = Files.readString(chart, StandardCharsets.UTF_8);
            assertTrue(svg.contains("<svg") && svg.trim().endsWith("</svg>"), () -> chart + " is not a whole SVG file");
            assertTrue(table.contains("(" + chart.getFileName() + ")"), () -> "results.md does not show " + chart);
        }
    }
}
