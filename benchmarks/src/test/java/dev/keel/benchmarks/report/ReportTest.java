package dev.keel.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    private Path copyEarlierRun() throws IOException {
        Path results = Files.createDirectories(dir.resolve("earlier"));
        for (String name : List.of("cold-start.json", "commit-throughput.json")) {
            try (InputStream in = ReportTest.class.getResourceAsStream("earlier-run/" + name)) {
                Files.copy(java.util.Objects.requireNonNull(in, name), results.resolve(name));
            }
        }
        return results;
    }

    private static Row row(Report.Rendered r, String figure) {
        Optional<Row> row = r.rows().stream().filter(x -> x.figure().equals(figure)).findFirst();
        assertTrue(row.isPresent(), () -> "no row '" + figure + "' in " + r.rows());
        return row.get();
    }

    @Test
    void rendersResultsWrittenBeforeTheSuiteExisted() throws IOException {
        Report.Rendered r = Report.render(copyEarlierRun(), dir.resolve("out"));

        // bench-results/cold-start.json: skipFull 9.08 ms against raw read + CRC32C 6.48 ms is 71%.
        Row skipFull = row(r, "skip-FULL, 64 MiB");
        assertEquals("71%", skipFull.ratio());
        assertEquals(Verdict.MET, skipFull.verdict());
        Row restore = row(r, "restore vs its ceiling, 64 MiB");
        assertEquals("48%", restore.ratio());
        assertEquals(Verdict.MISSED, restore.verdict());
        assertEquals(Verdict.MET, row(r, "skip-HEADER, 64 MiB").verdict());
        Row flatkv = row(r, "flatkv vs hashing ceiling, sync off, 1M keys");
        assertEquals("19%", flatkv.ratio());
        assertEquals(Verdict.MISSED, flatkv.verdict());
        assertEquals("90,841 keys/s", row(r, "flatkv commit, sync off, 1M keys").measured());

        for (BenchmarkGroup g : List.of(BenchmarkGroup.WAL_APPEND, BenchmarkGroup.ENGINE_PROPOSALS)) {
            assertTrue(r.rows().stream().filter(x -> x.group() == g).allMatch(x -> x.verdict() == Verdict.NO_DATA),
                    g + " has no results in that run");
        }
        String table = Files.readString(r.table(), StandardCharsets.UTF_8);
        assertTrue(table.contains("no `machine.json`"), table);
        assertTrue(table.contains("| **MISSED** |") && table.contains("| met |"), table);
        // cold-start.json of that run also holds SnapshotExportBenchmark.
        assertEquals(List.of("cold-start.svg", "snapshot-export.svg", "commit-throughput.svg"),
                r.charts().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void walFiguresCompareWithRocksDbAndTheDeviceCeilingOfTheSameRun() throws IOException {
        Path results = Files.createDirectories(dir.resolve("wal"));
        List<Object> scores = new ArrayList<>();
        scores.add(jmh("WalAppendBenchmark.keelWal_t16", 16, Map.of("entryBytes", "128"), 8_000));
        scores.add(jmh("WalAppendBenchmark.rocksDbSync_t16", 16, Map.of("entryBytes", "128"), 4_000));
        scores.add(jmh("WalAppendBenchmark.forceCeiling", 1, Map.of("entryBytes", "128"), 1_000));
        Files.writeString(results.resolve("wal-append.json"), Json.write(scores));

        Report.Rendered r = Report.render(results, dir.resolve("out"));

        Row rocks = row(r, "Keel WAL vs RocksDB, 16 writers, 128 B");
        assertEquals("2.00×", rocks.ratio());
        assertEquals(Verdict.MET, rocks.verdict());
        Row ceiling = row(r, "Keel WAL vs device ceiling, 16 writers, 128 B");
        assertEquals("16 × force rate 1,000/s = 16,000/s", ceiling.comparator());
        assertEquals("50%", ceiling.ratio());
        assertEquals(Verdict.MET, ceiling.verdict(), "exactly 50% meets a ≥ 50% target");
        assertEquals(List.of("wal-append-128.svg"), r.charts().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void aMissingResultsDirectoryIsNamed() {
        Path missing = dir.resolve("no-such-run");
        ReportException e = assertThrows(ReportException.class, () -> Report.render(missing, dir.resolve("out")));
        assertEquals(missing, e.path());
        assertTrue(e.getMessage().contains("results directory not found"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutResultFilesIsAnError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("machine.json"), "{}");
        ReportException e = assertThrows(ReportException.class, () -> Report.render(empty, dir.resolve("out")));
        assertTrue(e.getMessage().contains("no JMH result files"), e.getMessage());
    }

    @Test
    void aFileThatIsNotJmhJsonIsNamed() throws IOException {
        Path results = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(results.resolve("notes.json"), "{\"not\": \"a result list\"}");
        ReportException e = assertThrows(ReportException.class, () -> ResultSet.load(results));
        assertEquals(results.resolve("notes.json"), e.path());
        Files.writeString(results.resolve("notes.json"), "[{\"benchmark\": ");
        e = assertThrows(ReportException.class, () -> ResultSet.load(results));
        assertTrue(e.getMessage().startsWith(results.resolve("notes.json") + ": not valid JSON"), e.getMessage());
    }

    @Test
    void anEmptyFileLeftByAFailedRunHoldsNoResults() throws IOException {
        Path results = copyEarlierRun();
        Files.writeString(results.resolve("wal-append.json"), "");
        assertTrue(ResultSet.load(results).find("ColdStartBenchmark", "restore", "ss", Map.of("size", "64")).isPresent());
        assertTrue(!ResultSet.load(results).has("WalAppendBenchmark"));
    }

    @Test
    void jsonRoundTripsWhatTheSuiteWrites() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("text", "quote \" backslash \\ newline \n tab \t é");
        doc.put("number", 1.5);
        doc.put("flag", Boolean.TRUE);
        doc.put("nothing", null);
        doc.put("list", List.of(1.0, "two", List.of(), Map.of()));
        assertEquals(doc, Json.parse(Json.write(doc)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    /** One result in JMH's JSON shape, throughput in ops/s. */
    private static Map<String, Object> jmh(String benchmark, int threads, Map<String, String> params, double score) {
        Map<String, Object> primary = new LinkedHashMap<>();
        primary.put("score", score);
        primary.put("scoreError", "NaN");
        primary.put("scoreUnit", "ops/s");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jmhVersion", "1.37");
        r.put("benchmark", "dev.keel.benchmarks." + benchmark);
        r.put("mode", "thrpt");
        r.put("threads", (double) threads);
        r.put("params", new LinkedHashMap<>(params));
        r.put("primaryMetric", primary);
        return r;
    }
}
