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
 * The logical digest on one thread against raw SHA-256 over the same bytes from memory, per
 * backend; the target is ≥ 70% of the raw rate.
 */
final class LogicalDigestFigure implements Figure {
    static final double RAW_MIN = 0.70;
    /** The key count of runs that predate the {@code keys} parameter. */
    static final String DEFAULT_KEYS = "1000000";
    private static final String CLASS = BenchmarkGroup.LOGICAL_DIGEST.className();

    @Override
    public BenchmarkGroup group() {
        return BenchmarkGroup.LOGICAL_DIGEST;
    }

    private static Optional<JmhScore> score(ResultSet r, String method, String backend) {
        return r.find(CLASS, method, "thrpt", Map.of("backend", backend));
    }

    @Override
    public List<Row> rows(ResultSet results) {
        List<String> backends = results.paramValues(CLASS, "backend");
        if (backends.isEmpty()) {
            return List.of(Row.noData(group(), "logical digest vs raw SHA-256", "≥ 70%"));
        }
        List<Row> rows = new ArrayList<>();
        for (String backend : backends) {
            Optional<JmhScore> digest = score(results, "digest", backend);
            Optional<JmhScore> raw = score(results, "rawSha256", backend);
            String keys = digest.flatMap(s -> s.param("keys")).orElse(DEFAULT_KEYS);
            String figure = "logical digest, " + backend + ", " + Quantities.count(keys) + " keys";
            rows.add(digest.flatMap(d -> raw.map(r -> new Row(group(), figure, Quantities.rate(d.perSecond(), "keys/s"),
                            "raw SHA-256 " + Quantities.rate(r.perSecond(), "keys/s"),
                            Quantities.percent(d.perSecond() / r.perSecond()), "≥ 70%",
                            Verdict.atLeast(d.perSecond() / r.perSecond(), RAW_MIN))))
                    .orElse(Row.noData(group(), figure, "≥ 70%")));
        }
        return rows;
    }

    @Override
    public List<Path> draw(ResultSet results, Path dir) throws IOException {
        List<String> categories = new ArrayList<>();
        List<Double> digest = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (String backend : results.paramValues(CLASS, "backend")) {
            Optional<JmhScore> d = score(results, "digest", backend);
            Optional<JmhScore> r = score(results, "rawSha256", backend);
            if (d.isPresent() && r.isPresent()) {
                categories.add(backend);
                digest.add(d.get().perSecond());
                raw.add(r.get().perSecond());
            }
        }
        if (categories.isEmpty()) {
            return List.of();
        }
        CategoryChart chart = Charts.bars("Logical digest vs raw SHA-256 over the same bytes (one thread)", "backend",
                "keys per second");
        Charts.bar(chart, "logical digest", categories, digest, Charts.KEEL);
        Charts.bar(chart, "raw SHA-256 (ceiling)", categories, raw, Charts.CEILING);
        Charts.targetTicks(chart, "target: 70% of raw SHA-256", categories, raw.stream().map(r -> r * RAW_MIN).toList(),
                Charts.TARGET);
        return List.of(Charts.save(chart, dir, "logical-digest.svg"));
    }
}
