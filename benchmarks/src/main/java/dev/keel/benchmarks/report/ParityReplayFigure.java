package dev.keel.benchmarks.report;

import dev.keel.benchmarks.suite.BenchmarkGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Differential replay flatkv vs tree, versions per second; table rows only, there is no target. */
final class ParityReplayFigure implements Figure {
    private static final String CLASS = BenchmarkGroup.PARITY_REPLAY.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.PARITY_REPLAY;
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> every = results.paramValues(CLASS, "every");
        if (every.isEmpty()) {
            return List.of(Row.noData(group(), "parity replay", Row.NONE));
        }
        List<Row> rows = new ArrayList<>();
        for (String e : every) {
            String figure = "parity replay, comparing every " + e + " versions";
            rows.add(results.find(CLASS, "replay", "thrpt", Map.of("every", e))
                    .map(s -> new Row(group(), figure, Quantities.rate(s.perSecond(), "versions/s"), Row.NONE, Row.NONE,
                            Row.NONE, Verdict.NO_TARGET))
                    .orElse(Row.noData(group(), figure, Row.NONE)));
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) {
        return List.of();
    }
}
