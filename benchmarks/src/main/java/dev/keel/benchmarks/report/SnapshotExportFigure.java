package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;

/**
 * Snapshot export against the sequential write of as many bytes to the same disk; the target is
 * export at ≥ 70% of that bandwidth, i.e. at most the sequential time ÷ 0.7.
 */
final class SnapshotExportFigure implements Figure {
    static final double EXPORT_MIN = 0.70;
    private static final String CLASS = BenchmarkGroup.SNAPSHOT_EXPORT.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.SNAPSHOT_EXPORT;
    }

    private static Optional<Double> ms(ResultSet r, String method, String size) {
        return r.find(CLASS, method, "ss", Map.of("size", size)).map(JmhScore::millis);
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> sizes = results.paramValues(CLASS, "size");
        if (sizes.isEmpty()) {
            return List.of(Row.noData(group(), "export vs sequential write", "≥ 70%"));
        }
        List<Row> rows = new ArrayList<>();
        for (String size : sizes) {
            String figure = "export, " + size + " MiB";
            Optional<Double> export = ms(results, "export", size);
            Optional<Double> write = ms(results, "sequentialWrite", size);
            rows.add(export.flatMap(e -> write.map(w -> new Row(group(), figure, Quantities.millis(e),
                            "sequential write " + Quantities.millis(w), Quantities.percent(w / e), "≥ 70%",
                            Verdict.atLeast(w / e, EXPORT_MIN))))
                    .orElse(Row.noData(group(), figure, "≥ 70%")));
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<String> categories = new ArrayList<>();
        List<Double> export = new ArrayList<>();
        List<Double> write = new ArrayList<>();
        for (String size : results.paramValues(CLASS, "size")) {
            Optional<Double> e = ms(results, "export", size);
            Optional<Double> w = ms(results, "sequentialWrite", size);
            if (e.isPresent() && w.isPresent()) {
                categories.add(size + " MiB");
                export.add(e.get());
                write.add(w.get());
            }
        }
        if (categories.isEmpty()) {
            return List.of();
        }
        CategoryChart chart = Charts.bars("Snapshot export vs sequential write (lower is better)", "snapshot size",
                "milliseconds");
        Charts.bar(chart, "export (SnapshotWriter)", categories, export, Charts.KEEL);
        Charts.bar(chart, "sequential write + force, same bytes (ceiling)", categories, write, Charts.CEILING);
        Charts.targetTicks(chart, "target: export ≤ sequential ÷ 0.7", categories,
                write.stream().map(w -> w / EXPORT_MIN).toList(), Charts.TARGET);
        return List.of(Charts.save(chart, dir, "snapshot-export.svg"));
    }
}
