package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;

/**
 * Proposals per second end to end through the standalone engine, per backend, at 1 and 16
 * clients; compared with the durable append alone (the WAL benchmark's Keel WAL at 128 B and as
 * many writers, when the run has it), which bounds a proposal that needs one. No SPEC target.
 */
final class EngineProposalFigure implements Figure {
    static final int[] CLIENTS = {1, 16};
    private static final String CLASS = BenchmarkGroup.ENGINE_PROPOSALS.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.ENGINE_PROPOSALS;
    }

    private static Optional<Double> proposals(ResultSet r, String backend, int clients) {
        return r.find(CLASS, String.format("clients%02d", clients), "thrpt", Map.of("backend", backend))
                .map(JmhScore::perSecond);
    }

    private static Optional<Double> walAlone(ResultSet r, int writers) {
        return r.find(BenchmarkGroup.WAL_APPEND.className(), String.format("keelWal_t%02d", writers), "thrpt",
                Map.of("entryBytes", "128")).map(JmhScore::perSecond);
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> backends = results.paramValues(CLASS, "backend");
        if (backends.isEmpty()) {
            return List.of(Row.noData(group(), "engine proposals", Row.NONE));
        }
        List<Row> rows = new ArrayList<>();
        for (String backend : backends) {
            for (int c : CLIENTS) {
                String figure = "engine proposals, " + backend + ", " + c + (c == 1 ? " client" : " clients");
                Optional<Double> p = proposals(results, backend, c);
                Optional<Double> wal = walAlone(results, c);
                rows.add(p.map(v -> new Row(group(), figure, Quantities.rate(v, "proposals/s"),
                                wal.map(w -> "WAL append alone, " + c + (c == 1 ? " writer " : " writers ")
                                        + Quantities.perSecond(w)).orElse(Row.NONE),
                                wal.map(w -> Quantities.percent(v / w)).orElse(Row.NONE), Row.NONE, Verdict.NO_TARGET))
                        .orElse(Row.noData(group(), figure, Row.NONE)));
            }
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<String> backends = results.paramValues(CLASS, "backend");
        if (backends.isEmpty()) {
            return List.of();
        }
        CategoryChart chart = Charts.lines("Engine: proposals per second end to end (propose → applied)", "clients",
                "proposals per second", true);
        List<String> x = Arrays.stream(CLIENTS).mapToObj(String::valueOf).toList();
        Color[] colors = {Charts.KEEL, Charts.FOURTH, Charts.THIRD};
        int i = 0;
        for (String backend : backends) {
            List<Optional<Double>> y = new ArrayList<>();
            for (int c : CLIENTS) {
                y.add(proposals(results, backend, c));
            }
            Charts.measured(chart, backend, x, Charts.orNull(y), colors[i++ % colors.length]);
        }
        List<Optional<Double>> wal = new ArrayList<>();
        for (int c : CLIENTS) {
            wal.add(walAlone(results, c));
        }
        Charts.ceiling(chart, "durable WAL append alone, 128 B (WalAppendBenchmark)", x, Charts.orNull(wal), Charts.CEILING);
        return List.of(Charts.save(chart, dir, "engine-proposals.svg"));
    }
}
